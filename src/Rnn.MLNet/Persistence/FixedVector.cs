namespace Rnn.MLNet.Persistence;

/// <summary>
/// Known-size vector columns from a CustomMapping, whose sizes come from compile-time attributes: a vector of n values
/// is written into blocks of power-of-two sizes (the set bits of n, largest first) and ML.NET's Concatenate joins them
/// into one <c>Vector&lt;Single, n&gt;</c> (ML.NET's multiclass evaluator needs a known size), which saves and loads.
/// </summary>
internal static class FixedVector
{
    /// <summary>Largest n: the blocks 1, 2, 4, ..., 32768.</summary>
    public const int MaxLength = (1 << BlockCount) - 1;

    /// <summary>Blocks of the kernels' output rows.</summary>
    public const int BlockCount = 16;

    /// <summary>The block sizes of a vector of <paramref name="length"/> values, largest first.</summary>
    public static int[] Blocks(int length)
    {
        if (length is < 1 or > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A fixed-size output vector holds 1..{MaxLength} values.");
        var blocks = new List<int>();
        for (int bit = BlockCount - 1; bit >= 0; bit--)
            if ((length & (1 << bit)) != 0) blocks.Add(1 << bit);
        return [.. blocks];
    }

    /// <summary>The column names of <paramref name="length"/>'s blocks under <paramref name="prefix"/>, in order.</summary>
    public static string[] BlockColumns(string prefix, int length) => Blocks(length).Select(b => BlockColumn(prefix, b)).ToArray();

    /// <summary>The column of one block.</summary>
    public static string BlockColumn(string prefix, int size) => prefix + size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>All block columns under <paramref name="prefix"/> (for dropping them).</summary>
    public static IEnumerable<string> AllBlockColumns(string prefix) => Enumerable.Range(0, BlockCount).Select(b => BlockColumn(prefix, 1 << b));

    /// <summary>Copies <paramref name="values"/> into the blocks of its length; <paramref name="block"/> gives the block of a size.</summary>
    public static void Scatter(ReadOnlySpan<float> values, Func<int, float[]> block)
    {
        int offset = 0;
        for (int bit = BlockCount - 1; bit >= 0; bit--)
        {
            int size = 1 << bit;
            if ((values.Length & size) == 0) continue;
            values.Slice(offset, size).CopyTo(block(size));
            offset += size;
        }
    }
}
