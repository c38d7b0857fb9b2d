using System.Diagnostics;

namespace Rnn.Core.Numerics;

/// <summary>
/// A tiny persistent fork-join pool for kernels too short for <see cref="Parallel.For(int, int, Action{int})"/>
/// (which costs ~5–20 µs per call): <see cref="Environment.ProcessorCount"/> − 1 dedicated background threads
/// plus the calling thread. A dispatch allocates nothing and costs about a microsecond when the workers are
/// spinning; an idle worker spins for <see cref="SpinMicroseconds"/> after its last part, then blocks on a
/// semaphore (so it does not steal a core from other work between training steps).
/// </summary>
/// <remarks>
/// <para><c>Run(parts, work, context)</c> calls <c>work(context, i)</c> once for every i in [0, parts): the
/// caller runs part 0 (and every participant-count-th part after it), worker w runs part w, … The call returns
/// when every part is done, so <c>context</c> may point to the caller's stack (pinned spans, a job struct).</para>
/// <para>One job at a time: a call made while another is in flight (another thread, or a nested call from inside
/// a part) runs all its parts inline on its own thread. Parts must not throw (an exception on a worker ends the
/// process).</para>
/// </remarks>
internal static unsafe class WorkerPool
{
    private static readonly Worker[] s_workers = CreateWorkers();
    private static int s_busy;
    private static int s_remaining;
    private static delegate*<void*, int, void> s_work;
    private static void* s_context;
    private static int s_parts;
    private static int s_participants;

    /// <summary>How long an idle worker spins before it blocks (default 50 µs). 0 blocks immediately.</summary>
    public static int SpinMicroseconds { get; set; } = 50;

    /// <summary>Threads a job can use now: the caller plus the workers, capped by <see cref="Parallelism.MaxThreads"/>.</summary>
    public static int Threads => Math.Min(s_workers.Length + 1, Parallelism.MaxThreads);

    /// <summary>Runs <c>work(context, i)</c> for every i in [0, <paramref name="parts"/>) and returns when all are done.</summary>
    /// <param name="parts">Number of parts; 1 runs inline.</param>
    /// <param name="work">The part body: (context, part index).</param>
    /// <param name="context">Passed to every part unchanged.</param>
    public static void Run(int parts, delegate*<void*, int, void> work, void* context)
    {
        int participants = Math.Min(parts, Threads);
        if (participants <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++) work(context, i);
            return;
        }
        s_work = work;
        s_context = context;
        s_parts = parts;
        s_participants = participants;
        Volatile.Write(ref s_remaining, participants - 1);
        for (int w = 0; w < participants - 1; w++) s_workers[w].Start();

        for (int i = 0; i < parts; i += participants) work(context, i);

        var spinner = new SpinWait();
        while (Volatile.Read(ref s_remaining) != 0) spinner.SpinOnce(sleep1Threshold: -1);
        s_work = null;
        s_context = null;
        Volatile.Write(ref s_busy, 0);
    }

    private static Worker[] CreateWorkers()
    {
        int count = Math.Max(0, Math.Min(Environment.ProcessorCount, 64) - 1);
        var workers = new Worker[count];
        for (int w = 0; w < count; w++) workers[w] = new Worker(w + 1);
        return workers;
    }

    /// <summary>One dedicated thread: waits for a ticket, runs its parts, counts itself done.</summary>
    private sealed class Worker
    {
        private readonly int _index;
        private readonly object _gate = new();
        private bool _signalled;
        private long _ticket;
        private int _sleeping;

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Rnn.WorkerPool {index}" };
            thread.Start();
        }

        /// <summary>Called by the dispatcher after it published the job.</summary>
        public void Start()
        {
            Interlocked.Increment(ref _ticket);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) Wake();
        }

        // An auto-reset event built on a monitor: Wake sets it, Sleep waits for it and clears it.
        private void Wake()
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

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                WaitForTicket(seen);
                seen = Volatile.Read(ref _ticket);
                int parts = s_parts, step = s_participants;
                var work = s_work;
                void* context = s_context;
                for (int i = _index; i < parts; i += step) work(context, i);
                Interlocked.Decrement(ref s_remaining);
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
                    // A ticket came in meanwhile: undo the sleep flag, or consume the wake-up it already sent.
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0) Sleep();
                    return;
                }
                Sleep();
                return;
            }
        }
    }
}
