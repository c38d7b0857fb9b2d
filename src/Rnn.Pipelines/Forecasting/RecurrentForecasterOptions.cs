using Rnn.Core.Training;

namespace Rnn.MLNet;

/// <summary>How a recurrent forecaster produces several steps ahead.</summary>
public enum ForecastStrategy
{
    /// <summary>One network output per horizon step: the next H values come out of one forward pass (default).</summary>
    Direct,

    /// <summary>
    /// The network predicts one step (the target and every covariate); the prediction is appended to the window and
    /// the network runs again, H times.
    /// </summary>
    Recursive,
}

/// <summary>
/// Options of <c>ml.Forecasting.ForecastByRecurrent</c>. Every default is stated on its property.
/// </summary>
/// <remarks>
/// <para><b>Data.</b> The input view holds one time step per row, in order. The target is
/// <see cref="InputColumnName"/>; <see cref="CovariateColumnNames"/> add other series observed at the same steps
/// (past values only: they are inputs, and the recursive strategy forecasts them too).</para>
/// <para><b>Scaling</b> (statistics from the data given to Fit only, saved with the model). Each step of a window
/// enters the network as <c>[(y_t − y_last)/σ_Δ, (y_t − μ)/σ, (c_t − μ_c)/σ_c …]</c>, where y_last is the window's last
/// target value, μ and σ are the target's mean and standard deviation, σ_Δ the standard deviation of its one-step
/// changes, and μ_c, σ_c a covariate's. The network predicts <c>(y_{t+h} − y_last)/σ_Δ</c>: forecasts are relative to
/// the last observation, so a trend beyond the training range does not saturate the network.</para>
/// <para><b>Network.</b> <see cref="NumberOfLayers"/> recurrent layers of <see cref="HiddenSize"/> units, the last step's
/// output, a linear head (H outputs for <see cref="ForecastStrategy.Direct"/>, 1 + covariates for
/// <see cref="ForecastStrategy.Recursive"/>), trained with MSE and Adam on every window of the series (stride 1).</para>
/// <para><b>Confidence bounds: calibrated residual quantiles</b> (split conformal prediction). The latest
/// max(10, ⌈<see cref="CalibrationFraction"/> · windows⌉) window starts are calibration origins; the network is first trained
/// on the windows whose targets all come before the first calibration target; it then forecasts from every calibration origin, and for each horizon step h the residuals r = actual − forecast give the bounds
/// <c>forecast + q_{(1−c)/2}(r_h)</c> and <c>forecast + q_{(1+c)/2}(r_h)</c> (c = <see cref="ConfidenceLevel"/>, order statistics
/// with the finite-sample rank ⌈(n+1)p⌉). With <see cref="RefitAfterCalibration"/> the network is then trained again on
/// every window; the residuals of the smaller network make the bounds slightly conservative. Under exchangeable errors
/// a 90% interval covers about 90% of future values (tested on series with known noise).</para>
/// </remarks>
public sealed class RecurrentForecasterOptions
{
    /// <summary>The forecast column: a vector of H Single values. Default "Forecast".</summary>
    public string OutputColumnName { get; set; } = "Forecast";

    /// <summary>The target series: a Single or Double column, one step per row. Required.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>Other series observed at each step (Single or Double), fed to the network as extra features. Default none.</summary>
    public IReadOnlyList<string> CovariateColumnNames { get; set; } = [];

    /// <summary>W, the past steps the network reads. Default 24.</summary>
    public int WindowSize { get; set; } = 24;

    /// <summary>H, the steps forecast. Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Coverage of the confidence interval, in (0, 1). Default 0.95.</summary>
    public float ConfidenceLevel { get; set; } = 0.95f;

    /// <summary>The lower-bound column (a vector of H), or null for none. Default null.</summary>
    public string? ConfidenceLowerBoundColumn { get; set; }

    /// <summary>The upper-bound column (a vector of H), or null for none. Default null.</summary>
    public string? ConfidenceUpperBoundColumn { get; set; }

    /// <summary>
    /// Model ln y instead of y (every target value must be positive): for series whose swings grow with their level
    /// (multiplicative seasonality). Forecasts and bounds come back in the series' units; the bounds are calibrated on
    /// log residuals, so they widen with the level. Default false.
    /// </summary>
    public bool LogTransform { get; set; }

    /// <summary>Multi-step strategy. Default <see cref="ForecastStrategy.Direct"/>.</summary>
    public ForecastStrategy Strategy { get; set; } = ForecastStrategy.Direct;

    /// <summary>The recurrent cell. Default <see cref="RecurrentCellType.Gru"/>.</summary>
    public RecurrentCellType Cell { get; set; } = RecurrentCellType.Gru;

    /// <summary>Hidden units. Default 32.</summary>
    public int HiddenSize { get; set; } = 32;

    /// <summary>Stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Passes over the windows. Default 60.</summary>
    public int Epochs { get; set; } = 60;

    /// <summary>Windows per mini-batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Adam's learning rate. Default 0.005.</summary>
    public float LearningRate { get; set; } = 0.005f;

    /// <summary>Share of the latest windows used to calibrate the bounds (at least 10 of them), in (0, 1). Default 0.2.</summary>
    public float CalibrationFraction { get; set; } = 0.2f;

    /// <summary>Train again on every window after calibrating the bounds (twice the training time). Default true.</summary>
    public bool RefitAfterCalibration { get; set; } = true;

    /// <summary>What to do with NaN values in the training series (<see cref="MissingValuePolicy.DropWindows"/> is not supported). Default error.</summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>Seed of initialisation and shuffling; null takes the next seed of the <c>MLContext</c>. Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>Called after every batch and epoch of the final training run. Default null.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// A file the training state of the kept network is saved to, or null for none. Default null. With
    /// <see cref="RefitAfterCalibration"/> the network trained only to calibrate the bounds checkpoints to this path +
    /// <c>".calibration"</c>. Each is written after every <see cref="CheckpointEveryBatches"/> batches and every epoch's last,
    /// atomically, with the full training state (Rnn.Core's <c>TrainerOptions.CheckpointPath</c>).
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Batches between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; set; } = 100;

    /// <summary>
    /// The <see cref="CheckpointPath"/> of an interrupted fit to continue, or null to start afresh. Default null. Each training
    /// run resumes from its own file when it is there (this path + <c>".calibration"</c>, then this path) and starts afresh
    /// when it is not; with the same series, options and seed the fit ends with the weights of an uninterrupted one, bit for
    /// bit. <c>Fit</c> throws a <see cref="FileNotFoundException"/> when neither file exists and an
    /// <see cref="InvalidDataException"/> naming every difference when a file is from another run.
    /// </summary>
    public string? ResumeFrom { get; set; }

    internal RecurrentForecasterOptions Clone()
    {
        var copy = (RecurrentForecasterOptions)MemberwiseClone();
        copy.CovariateColumnNames = [.. CovariateColumnNames];
        return copy;
    }
}
