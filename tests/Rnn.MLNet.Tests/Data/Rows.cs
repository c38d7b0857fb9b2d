using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Data;

public sealed class Review
{
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    [LoadColumn(1)]
    public bool Label { get; set; }
}

public sealed class Point
{
    public float X { get; set; }

    [VectorType(3)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}
