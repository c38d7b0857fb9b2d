using Rnn.MLNet;

namespace Rnn.Pipelines.Tests.TestKit;

/// <summary>Reads columns of a view into lists.</summary>
internal static class Views
{
    public static List<float> Scalars(IDataView view, string name) => Read<float, float>(view, name, v => v);

    public static List<float[]> Vectors(IDataView view, string name) =>
        Read<VBuffer<float>, float[]>(view, name, v => v.DenseValues().ToArray());

    public static List<string> Texts(IDataView view, string name) =>
        Read<ReadOnlyMemory<char>, string>(view, name, v => v.ToString());

    private static List<TOut> Read<TRaw, TOut>(IDataView view, string name, Func<TRaw, TOut> convert)
    {
        var column = view.Schema[name];
        var result = new List<TOut>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<TRaw>(column);
        TRaw value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(convert(value));
        }
        return result;
    }
}

internal sealed class Step
{
    public float Value { get; set; }
}

internal sealed class GroupedStep
{
    public string Series { get; set; } = "";

    public float Value { get; set; }
}

internal sealed class TimedStep
{
    public int Time { get; set; }

    public float Value { get; set; }
}

internal sealed class VectorStep
{
    [VectorType(2)]
    public float[] Values { get; set; } = [];
}
