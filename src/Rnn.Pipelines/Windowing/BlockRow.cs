using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Windowing;

/// <summary>
/// The output row of RnnMl's pipeline kernels (CustomMapping output sizes come from compile-time attributes): three sets
/// A, B, C of power-of-two vector blocks, which a chain concatenates into known-size vectors (<see cref="FixedVector"/>),
/// and one scalar. A kernel fills the sets it uses; its chain drops every column again (<see cref="AllColumns"/>).
/// </summary>
internal sealed class BlockRow
{
    public const string APrefix = PayloadCarrier.Prefix + "a";
    public const string BPrefix = PayloadCarrier.Prefix + "b";
    public const string CPrefix = PayloadCarrier.Prefix + "c";
    public const string ScalarColumn = PayloadCarrier.Prefix + "scalar";

    /// <summary>Every column of the row.</summary>
    public static IEnumerable<string> AllColumns => FixedVector.AllBlockColumns(APrefix)
        .Concat(FixedVector.AllBlockColumns(BPrefix)).Concat(FixedVector.AllBlockColumns(CPrefix)).Append(ScalarColumn);

    [ColumnName(ScalarColumn)] public float Scalar;
    [ColumnName(APrefix + "1"), VectorType(1)] public float[] A1 = [];
    [ColumnName(APrefix + "2"), VectorType(2)] public float[] A2 = [];
    [ColumnName(APrefix + "4"), VectorType(4)] public float[] A4 = [];
    [ColumnName(APrefix + "8"), VectorType(8)] public float[] A8 = [];
    [ColumnName(APrefix + "16"), VectorType(16)] public float[] A16 = [];
    [ColumnName(APrefix + "32"), VectorType(32)] public float[] A32 = [];
    [ColumnName(APrefix + "64"), VectorType(64)] public float[] A64 = [];
    [ColumnName(APrefix + "128"), VectorType(128)] public float[] A128 = [];
    [ColumnName(APrefix + "256"), VectorType(256)] public float[] A256 = [];
    [ColumnName(APrefix + "512"), VectorType(512)] public float[] A512 = [];
    [ColumnName(APrefix + "1024"), VectorType(1024)] public float[] A1024 = [];
    [ColumnName(APrefix + "2048"), VectorType(2048)] public float[] A2048 = [];
    [ColumnName(APrefix + "4096"), VectorType(4096)] public float[] A4096 = [];
    [ColumnName(APrefix + "8192"), VectorType(8192)] public float[] A8192 = [];
    [ColumnName(APrefix + "16384"), VectorType(16384)] public float[] A16384 = [];
    [ColumnName(APrefix + "32768"), VectorType(32768)] public float[] A32768 = [];
    [ColumnName(BPrefix + "1"), VectorType(1)] public float[] B1 = [];
    [ColumnName(BPrefix + "2"), VectorType(2)] public float[] B2 = [];
    [ColumnName(BPrefix + "4"), VectorType(4)] public float[] B4 = [];
    [ColumnName(BPrefix + "8"), VectorType(8)] public float[] B8 = [];
    [ColumnName(BPrefix + "16"), VectorType(16)] public float[] B16 = [];
    [ColumnName(BPrefix + "32"), VectorType(32)] public float[] B32 = [];
    [ColumnName(BPrefix + "64"), VectorType(64)] public float[] B64 = [];
    [ColumnName(BPrefix + "128"), VectorType(128)] public float[] B128 = [];
    [ColumnName(BPrefix + "256"), VectorType(256)] public float[] B256 = [];
    [ColumnName(BPrefix + "512"), VectorType(512)] public float[] B512 = [];
    [ColumnName(BPrefix + "1024"), VectorType(1024)] public float[] B1024 = [];
    [ColumnName(BPrefix + "2048"), VectorType(2048)] public float[] B2048 = [];
    [ColumnName(BPrefix + "4096"), VectorType(4096)] public float[] B4096 = [];
    [ColumnName(BPrefix + "8192"), VectorType(8192)] public float[] B8192 = [];
    [ColumnName(BPrefix + "16384"), VectorType(16384)] public float[] B16384 = [];
    [ColumnName(BPrefix + "32768"), VectorType(32768)] public float[] B32768 = [];
    [ColumnName(CPrefix + "1"), VectorType(1)] public float[] C1 = [];
    [ColumnName(CPrefix + "2"), VectorType(2)] public float[] C2 = [];
    [ColumnName(CPrefix + "4"), VectorType(4)] public float[] C4 = [];
    [ColumnName(CPrefix + "8"), VectorType(8)] public float[] C8 = [];
    [ColumnName(CPrefix + "16"), VectorType(16)] public float[] C16 = [];
    [ColumnName(CPrefix + "32"), VectorType(32)] public float[] C32 = [];
    [ColumnName(CPrefix + "64"), VectorType(64)] public float[] C64 = [];
    [ColumnName(CPrefix + "128"), VectorType(128)] public float[] C128 = [];
    [ColumnName(CPrefix + "256"), VectorType(256)] public float[] C256 = [];
    [ColumnName(CPrefix + "512"), VectorType(512)] public float[] C512 = [];
    [ColumnName(CPrefix + "1024"), VectorType(1024)] public float[] C1024 = [];
    [ColumnName(CPrefix + "2048"), VectorType(2048)] public float[] C2048 = [];
    [ColumnName(CPrefix + "4096"), VectorType(4096)] public float[] C4096 = [];
    [ColumnName(CPrefix + "8192"), VectorType(8192)] public float[] C8192 = [];
    [ColumnName(CPrefix + "16384"), VectorType(16384)] public float[] C16384 = [];
    [ColumnName(CPrefix + "32768"), VectorType(32768)] public float[] C32768 = [];

    /// <summary>The A block of <paramref name="size"/> values, allocated on first use.</summary>
    public float[] A(int size) => Block(0, size);

    /// <summary>The B block of <paramref name="size"/> values, allocated on first use.</summary>
    public float[] B(int size) => Block(1, size);

    /// <summary>The C block of <paramref name="size"/> values, allocated on first use.</summary>
    public float[] C(int size) => Block(2, size);

    private float[] Block(int set, int size)
    {
        ref float[] block = ref A1;
        switch (set, size)
        {
            case (0, 1): block = ref A1; break;
            case (0, 2): block = ref A2; break;
            case (0, 4): block = ref A4; break;
            case (0, 8): block = ref A8; break;
            case (0, 16): block = ref A16; break;
            case (0, 32): block = ref A32; break;
            case (0, 64): block = ref A64; break;
            case (0, 128): block = ref A128; break;
            case (0, 256): block = ref A256; break;
            case (0, 512): block = ref A512; break;
            case (0, 1024): block = ref A1024; break;
            case (0, 2048): block = ref A2048; break;
            case (0, 4096): block = ref A4096; break;
            case (0, 8192): block = ref A8192; break;
            case (0, 16384): block = ref A16384; break;
            case (0, 32768): block = ref A32768; break;
            case (1, 1): block = ref B1; break;
            case (1, 2): block = ref B2; break;
            case (1, 4): block = ref B4; break;
            case (1, 8): block = ref B8; break;
            case (1, 16): block = ref B16; break;
            case (1, 32): block = ref B32; break;
            case (1, 64): block = ref B64; break;
            case (1, 128): block = ref B128; break;
            case (1, 256): block = ref B256; break;
            case (1, 512): block = ref B512; break;
            case (1, 1024): block = ref B1024; break;
            case (1, 2048): block = ref B2048; break;
            case (1, 4096): block = ref B4096; break;
            case (1, 8192): block = ref B8192; break;
            case (1, 16384): block = ref B16384; break;
            case (1, 32768): block = ref B32768; break;
            case (2, 1): block = ref C1; break;
            case (2, 2): block = ref C2; break;
            case (2, 4): block = ref C4; break;
            case (2, 8): block = ref C8; break;
            case (2, 16): block = ref C16; break;
            case (2, 32): block = ref C32; break;
            case (2, 64): block = ref C64; break;
            case (2, 128): block = ref C128; break;
            case (2, 256): block = ref C256; break;
            case (2, 512): block = ref C512; break;
            case (2, 1024): block = ref C1024; break;
            case (2, 2048): block = ref C2048; break;
            case (2, 4096): block = ref C4096; break;
            case (2, 8192): block = ref C8192; break;
            case (2, 16384): block = ref C16384; break;
            case (2, 32768): block = ref C32768; break;
            default: throw new ArgumentOutOfRangeException(nameof(size), size, "A block size is a power of two up to 32768.");
        }
        if (block.Length != size) block = new float[size];
        return block;
    }
}

/// <summary>The input row of RnnMl's pipeline kernels: the payload and one step's values as a Single vector.</summary>
internal sealed class StepRow
{
    public const string ValuesColumn = PayloadCarrier.Prefix + "values";

    [ColumnName(PayloadCarrier.StateColumn)]
    public ReadOnlyMemory<char> State;

    [ColumnName(ValuesColumn)]
    public VBuffer<float> Values;
}

/// <summary>The state of one cursor or engine of a stateful kernel: its runner, made from the payload on the first row.</summary>
/// <typeparam name="T">The kernel's runner.</typeparam>
internal sealed class KernelState<T>
    where T : class
{
    public T? Runner { get; set; }

    /// <summary>The state initialiser of ML.NET's StatefulCustomMapping: no runner until the first row.</summary>
    public static void Init(KernelState<T> state) => state.Runner = null;
}
