namespace Rnn.MLNet.Transforms;

/// <summary>An (output, input) pair as saved in settings.json.</summary>
internal sealed record ColumnPairRecord(string Output, string Input)
{
    public static ColumnPairRecord[] From(IEnumerable<InputOutputColumnPair> pairs) =>
        pairs.Select(p => new ColumnPairRecord(p.OutputColumnName, p.InputColumnName)).ToArray();

    public static InputOutputColumnPair[] ToPairs(ColumnPairRecord[]? records, ModelLoadContext ctx)
    {
        ctx.Check(records is { Length: > 0 } && records.All(r => r?.Output is not null && r.Input is not null), "the column pairs are missing or incomplete.");
        return records!.Select(r => new InputOutputColumnPair(r.Output, r.Input)).ToArray();
    }
}
