using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Numerics;

[TestClass]
public sealed unsafe class WorkerPoolTest
{
    private static void CountPart(void* context, int part) => Interlocked.Increment(ref ((int*)context)[part]);

    private static void NestedPart(void* context, int part)
    {
        int* counts = (int*)context;
        WorkerPool.Run(3, &CountPart, counts + 8 + part * 3);
        Interlocked.Increment(ref counts[part]);
    }

    [TestMethod]
    public void Run_ManyParts_EachPartRunsOnce()
    {
        int* counts = stackalloc int[7];
        foreach (int parts in new[] { 1, 2, 3, 7 })
        {
            for (int rep = 0; rep < 1000; rep++)
            {
                new Span<int>(counts, 7).Clear();
                WorkerPool.Run(parts, &CountPart, counts);
                for (int i = 0; i < parts; i++) Assert.AreEqual(1, counts[i], $"part {i} of {parts}, repeat {rep}");
            }
        }
    }

    [TestMethod]
    public void Run_NestedCall_RunsInline()
    {
        int* counts = stackalloc int[8 + 2 * 3];
        WorkerPool.Run(2, &NestedPart, counts);
        for (int i = 0; i < 2; i++) Assert.AreEqual(1, counts[i]);
        for (int i = 8; i < 14; i++) Assert.AreEqual(1, counts[i], $"nested part {i - 8}");
    }

    [TestMethod]
    public void Run_AfterWorkerSlept_StillRuns()
    {
        int saved = WorkerPool.SpinMicroseconds;
        WorkerPool.SpinMicroseconds = 0;
        int* counts = stackalloc int[2];
        try
        {
            for (int rep = 0; rep < 20; rep++)
            {
                Thread.Sleep(1);
                counts[0] = counts[1] = 0;
                WorkerPool.Run(2, &CountPart, counts);
                Assert.AreEqual(1, counts[0]);
                Assert.AreEqual(1, counts[1]);
            }
        }
        finally
        {
            WorkerPool.SpinMicroseconds = saved;
        }
    }

    [TestMethod]
    public void Run_ManyCallersAtOnce_EachPartRunsOnce()
    {
        // Callers race for the pool (the losers run inline) while jobs of different sizes follow each other.
        Parallel.For(0, 4, caller =>
        {
            int* counts = stackalloc int[9];
            for (int rep = 0; rep < 2000; rep++)
            {
                int parts = 1 + (rep + caller) % 9;
                new Span<int>(counts, 9).Clear();
                WorkerPool.Run(parts, &CountPart, counts);
                for (int i = 0; i < 9; i++)
                    Assert.AreEqual(i < parts ? 1 : 0, counts[i], $"caller {caller}, repeat {rep}, part {i} of {parts}");
            }
        });
    }
}
