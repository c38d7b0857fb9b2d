using Microsoft.ML;

namespace Rnn.MLNet;

/// <summary>Recurrent forecasting on <c>ml.Forecasting</c>, and the time-series engine of a fitted forecaster.</summary>
/// <example>
/// <code>
/// var est = ml.Forecasting.ForecastByRecurrent(outputColumnName: "Forecast", inputColumnName: nameof(Obs.Value),
///     windowSize: 24, horizon: 12, confidenceLevel: 0.9f,
///     confidenceLowerBoundColumn: "Lower", confidenceUpperBoundColumn: "Upper");
/// var model = est.Fit(series);
/// var engine = model.CreateForecastEngine&lt;Obs, ForecastOut&gt;(ml);
/// ForecastOut f = engine.Predict();
/// </code>
/// See examples/Forecasting.
/// </example>
public static class RecurrentForecastingCatalogExtensions
{
    /// <summary>
    /// A recurrent forecaster of <paramref name="inputColumnName"/> (one time step per row, in order): the next
    /// <paramref name="horizon"/> values from the last <paramref name="windowSize"/>, with calibrated confidence bounds:
    /// a linear autoregression on the window (the highway) plus a recurrent network's correction, the transform (ln y or
    /// y), the highway's kind and the network's weight chosen on the latest windows of the series. Other settings take
    /// the defaults of <see cref="RecurrentForecasterOptions"/>.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="outputColumnName">The forecast column (a vector of <paramref name="horizon"/> Single values).</param>
    /// <param name="inputColumnName">The series: Single or Double.</param>
    /// <param name="windowSize">Past steps the network reads.</param>
    /// <param name="horizon">Steps forecast.</param>
    /// <param name="confidenceLevel">Coverage of the interval, in (0, 1).</param>
    /// <param name="confidenceLowerBoundColumn">The lower-bound column, or null.</param>
    /// <param name="confidenceUpperBoundColumn">The upper-bound column, or null.</param>
    /// <returns>The estimator; Fit on the series gives a <see cref="RecurrentForecastingTransformer"/>.</returns>
    public static RecurrentForecastingEstimator ForecastByRecurrent(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize, int horizon, float confidenceLevel = 0.95f, string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentForecastingEstimator(CatalogContext.Of(catalog), new RecurrentForecasterOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, WindowSize = windowSize, Horizon = horizon,
            ConfidenceLevel = confidenceLevel, ConfidenceLowerBoundColumn = confidenceLowerBoundColumn, ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
        });
    }

    /// <summary>A recurrent forecaster with every option (cell, sizes, training, covariates, strategy, calibration).</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options; see <see cref="RecurrentForecasterOptions"/>.</param>
    /// <returns>The estimator.</returns>
    public static RecurrentForecastingEstimator ForecastByRecurrent(this ForecastingCatalog catalog, RecurrentForecasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentForecastingEstimator(CatalogContext.Of(catalog), options);
    }

    /// <summary>
    /// A forecast engine over a fitted forecaster, or over what <c>ml.Model.Load</c> returned for a saved one or a
    /// checkpoint (or a chain of row-to-row transforms ending with one), starting from the state the model holds.
    /// </summary>
    /// <param name="transformer">The fitted forecaster (or a chain ending with one), or a model loaded with <c>ml.Model.Load</c>.</param>
    /// <param name="env">The context (checkpoints are written with its <c>Model.Save</c>).</param>
    /// <param name="ignoreMissingColumns">Skip float[] members of <typeparamref name="TDst"/> that name no output column instead of throwing. Default false.</param>
    /// <returns>The engine; not thread-safe.</returns>
    /// <exception cref="ArgumentException">The model holds no forecaster, or <typeparamref name="TDst"/> does not match its columns.</exception>
    public static TimeSeriesPredictionEngine<TSrc, TDst> CreateForecastEngine<TSrc, TDst>(this ITransformer transformer, MLContext env, bool ignoreMissingColumns = false)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(env);
        return new TimeSeriesPredictionEngine<TSrc, TDst>(transformer, env, ignoreMissingColumns);
    }

    /// <summary>The same as <see cref="CreateForecastEngine{TSrc, TDst}"/> (ML.NET TimeSeries' name).</summary>
    /// <param name="transformer">The fitted forecaster, or a model loaded with <c>ml.Model.Load</c>.</param>
    /// <param name="env">The context.</param>
    /// <param name="ignoreMissingColumns">Skip float[] members of <typeparamref name="TDst"/> that name no output column. Default false.</param>
    /// <returns>The engine; not thread-safe.</returns>
    public static TimeSeriesPredictionEngine<TSrc, TDst> CreateTimeSeriesEngine<TSrc, TDst>(this ITransformer transformer, MLContext env, bool ignoreMissingColumns = false)
        where TSrc : class
        where TDst : class, new() => CreateForecastEngine<TSrc, TDst>(transformer, env, ignoreMissingColumns);
}
