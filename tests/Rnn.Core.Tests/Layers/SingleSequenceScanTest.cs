using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Layers;

/// <summary>
/// Batch-1 inference splits each step by hidden units across two threads that meet once per step. The result must be
/// the one-thread scan's (up to the summation order of the split matrix-vector products), whether the partner joins
/// or the caller ends up doing both halves alone.
/// </summary>
[TestClass]
public sealed class SingleSequenceScanTest
{
    [TestMethod]
    [DataRow(CellType.Rnn, false), DataRow(CellType.Lstm, false), DataRow(CellType.Gru, false)]
    [DataRow(CellType.Rnn, true), DataRow(CellType.Lstm, true), DataRow(CellType.Gru, true)]
    public void SplitScan_TwoLayersBidirectionalWithInitialState_MatchesOneThread(CellType cell, bool alone)
    {
        if (WorkerPool.Threads < 2) Assert.Inconclusive("needs two threads");
        const int steps = 7, input = 5, hidden = 64;
        var rng = new Rng(21);
        var x = new Tensor(1, steps, input);
        rng.FillNormal(x.Span);
        var h0 = new Tensor(4, 1, hidden);
        rng.FillNormal(h0.Span);
        var c0 = new Tensor(4, 1, hidden);
        rng.FillNormal(c0.Span);
        var state = new RecurrentState(h0, cell == CellType.Lstm ? c0 : null);
        var layer = new RecurrentLayer(cell, input, hidden, numLayers: 2, bidirectional: true, seed: 8);
        layer.Eval();

        int savedThreads = Parallelism.MaxThreads;
        long savedMacs = SequenceRunner.SingleSplitMacs;
        int savedTimeout = Lockstep.JoinTimeoutMicroseconds;
        try
        {
            Parallelism.MaxThreads = 1;
            var expected = layer.Forward(x, state);
            Assert.AreEqual(0, layer.RunnerAt(0, 0).LastSingleSequenceThreads, "one thread: the plain scan");

            Parallelism.MaxThreads = 2;
            SequenceRunner.SingleSplitMacs = 0;
            Lockstep.NeverJoin = alone;
            Lockstep.JoinTimeoutMicroseconds = 20_000;   // together: wait for the worker however slowly it wakes
            // Together: the first call may find the worker asleep (the leader then goes on alone after a few µs and
            // wakes it); calls that follow find it spinning.
            RecurrentOutput actual;
            int attempt = 0;
            do actual = layer.Forward(x, state);
            while (!alone && !AllRan(layer, 2) && ++attempt < 200);
            Assert.IsTrue(AllRan(layer, alone ? 1 : 2), $"every runner ran split {(alone ? "alone" : "on two threads")}");

            AssertClose(expected.Output, actual.Output, "output");
            AssertClose(expected.HN, actual.HN, "h_n");
            if (cell == CellType.Lstm) AssertClose(expected.CN!, actual.CN!, "c_n");
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
            SequenceRunner.SingleSplitMacs = savedMacs;
            Lockstep.NeverJoin = false;
            Lockstep.JoinTimeoutMicroseconds = savedTimeout;
        }
    }

    [TestMethod]
    public void SplitScan_TrainingMode_UsesThePlainScan()
    {
        var layer = new RecurrentLayer(CellType.Lstm, 3, 128, seed: 1);
        var x = new Tensor(1, 4, 3);
        layer.Forward(x);
        Assert.AreEqual(0, layer.RunnerAt(0, 0).LastSingleSequenceThreads, "training keeps its cache in the plain scan");
    }

    private static bool AllRan(RecurrentLayer layer, int threads)
    {
        for (int l = 0; l < 2; l++)
            for (int d = 0; d < 2; d++)
                if (layer.RunnerAt(l, d).LastSingleSequenceThreads != threads) return false;
        return true;
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        ReadOnlySpan<float> e = expected.Span, a = actual.Span;
        Assert.AreEqual(e.Length, a.Length, what);
        for (int i = 0; i < e.Length; i++)
            Assert.AreEqual(e[i], a[i], 1e-5f, $"{what}[{i}]");
    }
}
