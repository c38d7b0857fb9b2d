using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Numerics;

[TestClass]
public sealed unsafe class LockstepTest
{
    private sealed class Run
    {
        public readonly Lockstep Lockstep = new();
        public readonly long[] Done = new long[2 * 16];
        public int Violations, Together, Alone, PartsRun;
        public const int Steps = 2000;
    }

    private static void Part(object state, int part)
    {
        var run = (Run)state;
        Interlocked.Increment(ref run.PartsRun);
        bool together = part == 0 ? run.Lockstep.Lead() : run.Lockstep.Join();
        if (!together)
        {
            if (part == 0)
            {
                Interlocked.Increment(ref run.Alone);
                Thread.SpinWait(50_000);   // the work done alone takes a while; meanwhile the woken worker gets going
            }
            return;
        }
        if (part == 0) Interlocked.Increment(ref run.Together);
        for (long s = 1; s <= Run.Steps; s++)
        {
            Volatile.Write(ref run.Done[part * 16], s);
            run.Lockstep.Arrive(part, s);
            // Past the meeting the partner has finished step s too (and cannot be more than one step ahead).
            long other = Volatile.Read(ref run.Done[(1 - part) * 16]);
            if (other < s || other > s + 1) Interlocked.Increment(ref run.Violations);
        }
    }

    [TestMethod]
    public void TwoParts_EitherMeetAtEveryStepOrLeaderGoesAlone()
    {
        if (WorkerPool.Threads < 2) Assert.Inconclusive("needs two threads");
        int together = 0;
        int savedTimeout = Lockstep.JoinTimeoutMicroseconds;
        Lockstep.JoinTimeoutMicroseconds = 20_000;   // this test is about the protocol, not about how fast a worker wakes
        try
        {
            for (int rep = 0; rep < 50; rep++)
            {
                var run = new Run();
                run.Lockstep.Reset();
                WorkerPool.Run(2, run, &Part);
                Assert.AreEqual(2, run.PartsRun, "both parts ran");
                Assert.AreEqual(1, run.Together + run.Alone, "the leader decided once");
                Assert.AreEqual(0, run.Violations, $"repeat {rep}: a part got past a meeting before its partner finished the step");
                together += run.Together;
            }
        }
        finally
        {
            Lockstep.JoinTimeoutMicroseconds = savedTimeout;
        }
        Assert.IsTrue(together > 0, "the partner joined at least once");
    }

    [TestMethod]
    public void NeverJoin_LeaderGoesAlone()
    {
        Lockstep.NeverJoin = true;
        try
        {
            var run = new Run();
            run.Lockstep.Reset();
            WorkerPool.Run(2, run, &Part);
            Assert.AreEqual(1, run.Alone);
            Assert.AreEqual(0, run.Together);
        }
        finally
        {
            Lockstep.NeverJoin = false;
        }
    }
}
