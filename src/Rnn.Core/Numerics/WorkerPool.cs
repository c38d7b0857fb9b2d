using System.Diagnostics;

namespace Rnn.Core.Numerics;

/// <summary>
/// A tiny persistent fork-join pool for kernels too short for <see cref="Parallel.For(int, int, Action{int})"/>
/// (which costs ~5–20 µs per call): <see cref="Environment.ProcessorCount"/> − 1 dedicated background threads
/// plus the calling thread. A dispatch allocates nothing and costs about a microsecond when a worker is
/// spinning; an idle worker spins for <see cref="SpinMicroseconds"/> after its last job, then blocks (so it does
/// not steal a core from other work between training steps).
/// </summary>
/// <remarks>
/// <para><c>Run(parts, work, context)</c> calls <c>work(context, i)</c> exactly once for every i in [0, parts) and
/// returns when all are done, so <c>context</c> may point to the caller's stack (pinned spans, a job struct).
/// Parts are claimed one at a time from a shared counter by the caller and the woken workers: a worker that is
/// late (descheduled on a busy machine) simply claims nothing, and the caller does the work itself — the call
/// never waits for a worker that has not started a part. Several parts per thread balance better.</para>
/// <para>One job at a time: a call made while another is in flight (another thread, or a nested call from inside
/// a part) runs all its parts inline on its own thread. Parts must not throw (an exception on a worker ends the
/// process).</para>
/// <para>The claim counter holds (job id &lt;&lt; 32 | next part). A job is published as: counter ← (id, Closed),
/// fields written, counter ← (id, 0). A worker reads the counter, then the fields, then claims with a
/// compare-exchange on the value it read; the claim fails if a newer job was published meanwhile, so it never runs
/// a part with another job's fields.</para>
/// </remarks>
internal static unsafe class WorkerPool
{
    private const uint Closed = uint.MaxValue;

    private static readonly Worker[] s_workers = CreateWorkers();
    private static int s_busy;
    private static long s_claim = Closed;
    private static int s_done;
    private static uint s_jobId;
    private static delegate*<void*, int, void> s_work;
    private static void* s_context;
    private static int s_parts;

    /// <summary>How long an idle worker spins before it blocks (default 100 µs). 0 blocks almost at once.</summary>
    public static int SpinMicroseconds { get; set; } = 100;

    /// <summary>Threads a job can use now: the caller plus the workers, capped by <see cref="Parallelism.MaxThreads"/>.</summary>
    public static int Threads => Math.Min(s_workers.Length + 1, Parallelism.MaxThreads);

    /// <summary>Runs <c>work(context, i)</c> for every i in [0, <paramref name="parts"/>) and returns when all are done.</summary>
    /// <param name="parts">Number of parts; 1 runs inline.</param>
    /// <param name="work">The part body: (context, part index).</param>
    /// <param name="context">Passed to every part unchanged.</param>
    public static void Run(int parts, delegate*<void*, int, void> work, void* context)
    {
        int helpers = Math.Min(parts, Threads) - 1;
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++) work(context, i);
            return;
        }
        long id = ++s_jobId;
        Interlocked.Exchange(ref s_claim, id << 32 | Closed);
        s_work = work;
        s_context = context;
        s_parts = parts;
        Volatile.Write(ref s_done, 0);
        Interlocked.Exchange(ref s_claim, id << 32);
        for (int w = 0; w < helpers; w++) s_workers[w].Wake();

        int mine = 0;
        while (true)
        {
            long claimed = Interlocked.Increment(ref s_claim) - 1;
            int part = (int)(uint)claimed;
            if (part >= parts) break;
            work(context, part);
            mine++;
        }
        // Every part is claimed; wait only for the ones a worker is still running.
        int done = Interlocked.Add(ref s_done, mine);
        var spinner = new SpinWait();
        while (done != parts)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            done = Volatile.Read(ref s_done);
        }
        Volatile.Write(ref s_busy, 0);
    }

    /// <summary>A worker's turn: claims and runs parts of the current job until none is left.</summary>
    private static void Help()
    {
        while (true)
        {
            long seen = Volatile.Read(ref s_claim);
            uint part = (uint)seen;
            if (part == Closed) return;
            var work = s_work;
            void* context = s_context;
            if (part >= (uint)Volatile.Read(ref s_parts)) return;
            if (Interlocked.CompareExchange(ref s_claim, seen + 1, seen) != seen) continue;
            work(context, (int)part);
            Interlocked.Increment(ref s_done);
        }
    }

    private static Worker[] CreateWorkers()
    {
        int count = Math.Max(0, Math.Min(Environment.ProcessorCount, 64) - 1);
        var workers = new Worker[count];
        for (int w = 0; w < count; w++) workers[w] = new Worker(w + 1);
        return workers;
    }

    /// <summary>One dedicated thread: waits for a wake-up ticket, helps with the current job, spins, then sleeps.</summary>
    private sealed class Worker
    {
        private readonly object _gate = new();
        private long _ticket;
        private int _sleeping;
        private bool _signalled;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Rnn.WorkerPool {index}" };
            thread.Start();
        }

        /// <summary>Called by the dispatcher after it published a job.</summary>
        public void Wake()
        {
            Interlocked.Increment(ref _ticket);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) Signal();
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                WaitForTicket(seen);
                seen = Volatile.Read(ref _ticket);
                Help();
            }
        }

        private void WaitForTicket(long seen)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
            int spins = 0;
            while (Volatile.Read(ref _ticket) == seen)
            {
                if (++spins < 64 || Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(8);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _ticket) != seen)
                {
                    // A ticket came in meanwhile: undo the sleep flag, or consume the signal it already sent.
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0) Sleep();
                    return;
                }
                Sleep();
                return;
            }
        }

        // An auto-reset event built on a monitor: Signal sets it, Sleep waits for it and clears it.
        private void Signal()
        {
            lock (_gate)
            {
                _signalled = true;
                Monitor.Pulse(_gate);
            }
        }

        private void Sleep()
        {
            lock (_gate)
            {
                while (!_signalled) Monitor.Wait(_gate);
                _signalled = false;
            }
        }
    }
}
