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

    private sealed class PartLog
    {
        public readonly int[] Counts = new int[5];
        public readonly bool[] InJob = new bool[5];
    }

    private static void LogPart(object state, int part)
    {
        var log = (PartLog)state;
        log.InJob[part] = WorkerPool.InJob;
        Interlocked.Increment(ref log.Counts[part]);
    }

    [TestMethod]
    public void Run_ObjectState_EachPartSeesTheStateOnceAndRunsAsAJob()
    {
        for (int rep = 0; rep < 200; rep++)
        {
            var log = new PartLog();
            WorkerPool.Run(5, log, &LogPart);
            CollectionAssert.AreEqual(new[] { 1, 1, 1, 1, 1 }, log.Counts, $"repeat {rep}");
            CollectionAssert.AreEqual(new[] { true, true, true, true, true }, log.InJob, "InJob inside every part");
        }
        Assert.IsFalse(WorkerPool.InJob, "InJob is false again on the caller");
    }

    [TestMethod]
    public void Prewake_SleepingWorker_IsAwakeAfterwards()
    {
        if (WorkerPool.Threads < 2) Assert.Inconclusive("needs two threads");
        int saved = WorkerPool.SpinMicroseconds;
        try
        {
            WorkerPool.SpinMicroseconds = 0;
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (WorkerPool.WorkersAwake && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Assert.IsFalse(WorkerPool.WorkersAwake, "the worker went to sleep");
            WorkerPool.SpinMicroseconds = 20_000;
            WorkerPool.Prewake();
            Assert.IsTrue(WorkerPool.WorkersAwake, "woken without a job");
        }
        finally
        {
            WorkerPool.SpinMicroseconds = saved;
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
