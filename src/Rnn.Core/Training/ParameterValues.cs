namespace Rnn.Core.Training;

/// <summary>
/// A model's parameter values as the training sessions exchange them (<see cref="ITrainingSession.Snapshot"/>,
/// <see cref="ILanguageModelSession.Snapshot"/>) and checkpoints save them: one array per parameter, frozen ones included,
/// in the order of <see cref="Module.Parameters"/>.
/// </summary>
internal static class ParameterValues
{
    /// <summary>Copies every parameter's values into <paramref name="into"/> (allocated when null).</summary>
    public static float[][] Snapshot(ParameterCollection parameters, float[][]? into)
    {
        into ??= parameters.Values.Select(p => new float[p.Value.Length]).ToArray();
        int i = 0;
        foreach (var p in parameters.Values) p.Value.Span.CopyTo(into[i++]);
        return into;
    }

    /// <summary>Sets every parameter from a <see cref="Snapshot"/>.</summary>
    public static void Restore(ParameterCollection parameters, float[][] saved)
    {
        int i = 0;
        foreach (var p in parameters.Values) saved[i++].CopyTo(p.Value.Span);
    }
}
