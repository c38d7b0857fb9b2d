using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.Core.Serialization;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;

namespace Rnn.MLNet;

/// <summary>
/// Forecasts from a forecaster's state and moves the state on as observations arrive (ML.NET TimeSeries'
/// TimeSeriesPredictionEngine). Create it with <c>model.CreateForecastEngine&lt;TSrc, TDst&gt;(ml)</c> on a fitted
/// forecaster or on what <c>ml.Model.Load</c> returned.
/// </summary>
/// <remarks>
/// <para>The state is the last W observations (W = the window size): <see cref="Predict(TSrc)"/> appends one and drops
/// the oldest, so after feeding o₁..o_k the forecast equals the one a freshly loaded model makes from the last W steps
/// of the training series followed by o₁..o_k. With adaptive bounds the state also holds σ̂ and the pending one-step
/// forecast (see <see cref="RecurrentForecasterOptions.AdaptiveBoundsHalfLife"/>). <see cref="CheckPoint(MLContext, string)"/> saves the model with this
/// state as an ordinary ML.NET model zip; <c>ml.Model.Load</c> then <c>CreateForecastEngine</c> resumes exactly there.</para>
/// <para>Row-to-row transforms before the forecaster (a chain ending with it) are applied to each observation.</para>
/// <para><b>Not thread-safe</b>: the state belongs to one engine; use one engine per series and thread.</para>
/// </remarks>
/// <typeparam name="TSrc">Observation class: members named as the target and covariate columns (Single or Double), or as the prefix's inputs.</typeparam>
/// <typeparam name="TDst">Forecast class: writable float[] members named (or <c>[ColumnName]</c>-named) as the forecast and bound columns.</typeparam>
public sealed class TimeSeriesPredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly ITransformer[] _prefix;
    private readonly ForecastModel _model;
    private readonly TSrc[] _current = new TSrc[1];
    private readonly IDataView _source;
    private readonly IDataView _observed;
    private readonly ForecastState _state;
    private readonly Forecaster _forecaster;
    private readonly float[] _forecast;
    private readonly float[] _lower;
    private readonly float[] _upper;
    private readonly (Action<TDst, float[]> Set, float[] Values)[] _outputs;

    internal TimeSeriesPredictionEngine(ITransformer model, MLContext env, bool ignoreMissingColumns)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(env);
        (_prefix, ParsedForecast found) = Locate(model);
        if (_prefix.FirstOrDefault(t => !t.IsRowToRowMapper) is { } bad)
            throw new ArgumentException($"{bad.GetType().Name} before the forecaster is not a row-to-row transformer; an engine feeds one observation at a time.", nameof(model));
        _model = found.Model;
        ForecastSpec spec = _model.Spec;
        // The engine's observation view reads whatever _current holds when a cursor opens.
        _source = env.Data.LoadFromEnumerable<TSrc>(_current);
        _observed = _prefix.Length == 0 ? _source : new TransformerChain<ITransformer>(_prefix).Transform(_source);
        RecurrentForecastingTransformer.CheckInput(_observed.Schema, spec);
        _state = new ForecastState(found.State, _model, found.Observations, found.Bounds);
        _forecaster = _model.CreateForecaster();
        _forecast = new float[spec.Horizon];
        _lower = new float[spec.Horizon];
        _upper = new float[spec.Horizon];
        _outputs = Outputs(spec, ignoreMissingColumns);
    }

    /// <summary>Observations seen: the training series plus every one fed since.</summary>
    public long Observations => _state.Observations;

    /// <summary>The next H values (and bounds) after the current state; the state does not move.</summary>
    /// <returns>A new <typeparamref name="TDst"/> holding the forecast and bound columns it names.</returns>
    public TDst Predict()
    {
        _state.Forecast(_forecaster, _forecast, _lower, _upper);
        var result = new TDst();
        foreach (var (set, values) in _outputs) set(result, (float[])values.Clone());
        return result;
    }

    /// <summary>Feeds one observation (the state moves on by one step), then forecasts the H values after it.</summary>
    /// <param name="example">The observation.</param>
    /// <returns>The forecast after <paramref name="example"/>.</returns>
    /// <exception cref="ArgumentException">The observation holds a NaN or infinite value (or a value ≤ 0 with LogTransform); the state does not move.</exception>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        _current[0] = example;
        var columns = RecurrentForecastingTransformer.CheckInput(_observed.Schema, _model.Spec);
        using (DataViewRowCursor cursor = _observed.GetRowCursor(columns))
        {
            if (!cursor.MoveNext()) throw new InvalidOperationException("The observation view yielded no row.");
            _state.Push(new ObservationReader(cursor, columns).Read());
        }
        return Predict();
    }

    /// <summary>
    /// Saves the model with the engine's current state to <paramref name="modelPath"/> as an ordinary ML.NET model zip
    /// atomically (written to a temporary file in the same directory, flushed to disk, then moved over the target, so a failed
    /// or killed save leaves the previous zip whole); <c>ml.Model.Load</c> and
    /// <c>CreateForecastEngine</c> resume there.
    /// </summary>
    /// <param name="env">The context whose <c>Model.Save</c> writes the zip.</param>
    /// <param name="modelPath">The zip to write (replaced if it exists).</param>
    public void CheckPoint(MLContext env, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var model = CurrentModel();
        AtomicFile.Write(modelPath, stream => env.Model.Save(model, _source.Schema, stream));
    }

    /// <summary>Saves the model with the engine's current state into <paramref name="stream"/> (an ML.NET model zip).</summary>
    /// <param name="env">The context whose <c>Model.Save</c> writes the zip.</param>
    /// <param name="stream">A writable stream.</param>
    public void CheckPoint(MLContext env, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stream);
        env.Model.Save(CurrentModel(), _source.Schema, stream);
    }

    /// <summary>Releases nothing: the engine holds no unmanaged state (kept for ML.NET's engine shape).</summary>
    public void Dispose()
    {
    }

    private ITransformer CurrentModel()
    {
        var current = new RecurrentForecastingTransformer(_model, (float[])_state.Window.Clone(), _state.Observations, _observed, _state.Bounds);
        return _prefix.Length == 0 ? current : new TransformerChain<ITransformer>([.. _prefix, current]);
    }

    /// <summary>The transforms before the forecaster and the forecaster with its state, from a fitted or a loaded model.</summary>
    private static (ITransformer[] Prefix, ParsedForecast Forecast) Locate(ITransformer model)
    {
        var parts = new List<ITransformer>();
        Flatten(model, parts);
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i] is RecurrentForecastingTransformer fitted)
            {
                if (i != parts.Count - 1)
                    throw new ArgumentException($"CreateForecastEngine needs a model ending with the forecaster; {parts[^1].GetType().Name} comes after it.", nameof(model));
                return ([.. parts.Take(i)], new ParsedForecast(fitted.Model, fitted.State, fitted.Observations, fitted.Bounds));
            }
            // A loaded forecaster: its payload carrier starts the built-ins it is made of (they end the model).
            if (PayloadCarrier.TryReadAt(parts, i, out string? payload) && RecurrentModel.PayloadKind(payload) == ForecastSettings.Kind)
                return ([.. parts.Take(i)], ForecastSettings.Read(payload));
        }
        // No forecaster: a damaged payload (whose kind the damage may have changed) is the error to report.
        ModelPayload.ThrowIfAnyDamaged(parts.Select((_, i) => PayloadCarrier.TryReadAt(parts, i, out string? text) ? text : null).OfType<string>());
        throw new ArgumentException(
            $"CreateForecastEngine needs a forecaster (ml.Forecasting.ForecastByRecurrent, fitted or loaded with ml.Model.Load); got {string.Join(" -> ", parts.Select(s => s.GetType().Name))}.",
            nameof(model));
    }

    private static void Flatten(ITransformer t, List<ITransformer> into)
    {
        if (t is not RecurrentForecastingTransformer && t is IEnumerable<ITransformer> chain)
            foreach (ITransformer inner in chain) Flatten(inner, into);
        else
            into.Add(t);
    }

    /// <summary>The column a member maps to: its <c>[ColumnName]</c> (whose Name ML.NET keeps internal: read from the attribute's data) or its name.</summary>
    private static string ColumnName(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string
        ?? member.Name;

    /// <summary>The setters of <typeparamref name="TDst"/>'s members that receive the forecast and bound columns.</summary>
    private (Action<TDst, float[]>, float[])[] Outputs(ForecastSpec spec, bool ignoreMissingColumns)
    {
        var columns = new Dictionary<string, float[]>(StringComparer.Ordinal) { [spec.OutputColumn] = _forecast };
        if (spec.LowerColumn is not null) columns[spec.LowerColumn] = _lower;
        if (spec.UpperColumn is not null) columns[spec.UpperColumn] = _upper;
        var outputs = new List<(Action<TDst, float[]>, float[])>();
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
        var members = typeof(TDst).GetFields(Public).Where(f => !f.IsInitOnly).Cast<MemberInfo>()
            .Concat(typeof(TDst).GetProperties(Public).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0));
        foreach (MemberInfo member in members)
        {
            if (member.GetCustomAttribute<NoColumnAttribute>() is not null) continue;
            string name = ColumnName(member);
            Type type = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
            if (!columns.TryGetValue(name, out float[]? values))
            {
                if (ignoreMissingColumns) continue;
                throw new ArgumentException(
                    $"{typeof(TDst).Name}.{member.Name} names column '{name}', which the forecaster does not produce (columns: {string.Join(", ", columns.Keys)}); pass ignoreMissingColumns: true to skip it.",
                    nameof(ignoreMissingColumns));
            }
            if (type != typeof(float[]))
                throw new ArgumentException($"{typeof(TDst).Name}.{member.Name} receives column '{name}', a vector of Single: it must be a float[].", nameof(ignoreMissingColumns));
            Action<TDst, float[]> set = member is FieldInfo field
                ? (target, v) => field.SetValue(target, v)
                : (target, v) => ((PropertyInfo)member).SetValue(target, v);
            outputs.Add((set, values));
        }
        return [.. outputs];
    }
}
