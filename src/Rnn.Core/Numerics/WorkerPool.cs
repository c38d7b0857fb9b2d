using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// The parts are dealt in contiguous ranges, one per participating thread (the caller first), and each thread runs
/// its own range first — so repeated products give every thread the same columns, whose weights stay in its L2 —
/// then takes the parts left in the others' ranges. Parts are claimed one at a time from per-range counters: a
/// worker that is late (descheduled on a busy machine) simply claims nothing and the caller does its range, so
/// the call never waits for a worker that has not started a part.</para>
/// <para>One job at a time: a call made while another is in flight (another thread, or a nested call from inside
/// a part) runs all its parts inline on its own thread. Parts must not throw (an exception on a worker ends the
/// process).</para>
/// <para>Each range's counter holds (job id &lt;&lt; 32 | next part). A job is published as: every counter ← (id,
/// Closed), fields written, each participant's counter ← (id, first part of its range). A thread reads a counter,
/// then the fields, then claims with a compare-exchange on the value it read; the claim fails if a newer job was
/// published meanwhile, so it never runs a part with another job's fields.</para>
/// </remarks>
internal static unsafe class WorkerPool
{
    private const uint Closed = uint.MaxValue;

    /// <summary>Longs between two slots' claim counters: one 64-byte cache line each.</summary>
    private const int Stride = 8;

    private static readonly Worker[] s_workers = CreateWorkers();
    private static readonly int s_slots = s_workers.Length + 1;
    private static readonly long[] s_claims = CreateClaims(s_slots);
    private static readonly int[] s_ends = new int[s_slots];
    private static int s_busy;
    private static int s_done;
    private static uint s_jobId;
    private static int s_participants;
    private static delegate*<void*, int, void> s_work;
    private static void* s_context;

    /// <summary>Longest a worker that has finished its share keeps spinning for the rest of the job before its idle spin starts.</summary>
    private const int MaxJobWaitMicroseconds = 2_000;

    /// <summary>How long an idle worker spins before it blocks (default 100 µs). 0 blocks almost at once.</summary>
    public static int SpinMicroseconds { get; set; } = 100;

    /// <summary>Threads a job can use now: the caller plus the workers, capped by <see cref="Parallelism.MaxThreads"/>.</summary>
    public static int Threads => Math.Min(s_slots, Parallelism.MaxThreads);

    /// <summary>Runs <c>work(context, i)</c> for every i in [0, <paramref name="parts"/>) and returns when all are done.</summary>
    /// <param name="parts">Number of parts; 1 runs inline.</param>
    /// <param name="work">The part body: (context, part index).</param>
    /// <param name="context">Passed to every part unchanged.</param>
    public static void Run(int parts, delegate*<void*, int, void> work, void* context)
    {
        int participants = Math.Min(parts, Threads);
        if (participants <= 1 || t_inJob || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            bool outer = t_inJob;
            t_inJob = true;
            for (int i = 0; i < parts; i++) work(context, i);
            t_inJob = outer;
            return;
        }
        // Publish: close every slot, write the fields, open the participants' ranges, wake their workers.
        long id = (long)++s_jobId << 32;
        for (int slot = 0; slot < s_slots; slot++) Interlocked.Exchange(ref s_claims[slot * Stride], id | Closed);
        s_work = work;
        s_context = context;
        s_participants = participants;
        Volatile.Write(ref s_done, 0);
        for (int slot = 0; slot < participants; slot++) s_ends[slot] = ShareStart(parts, slot + 1, participants);
        for (int slot = 0; slot < participants; slot++)
            Interlocked.Exchange(ref s_claims[slot * Stride], id | (uint)ShareStart(parts, slot, participants));
        for (int w = 0; w < participants - 1; w++) s_workers[w].Wake();

        long start = Stopwatch.GetTimestamp();
        int mine = Help(0);
        // Every part is claimed; wait only for the ones a worker is still running.
        int done = Interlocked.Add(ref s_done, mine);
        long ownEnd = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (done != parts)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            done = Volatile.Read(ref s_done);
        }
        RecordWait(Stopwatch.GetTimestamp() - ownEnd, ownEnd - start);
        Volatile.Write(ref s_busy, 0);
    }

    /// <summary>
    /// Runs <c>body(state, i)</c> for every i in [0, <paramref name="parts"/>) and returns when all are done; for parts
    /// that work on a managed object (passed to the workers through a GC handle: nothing is allocated on the heap).
    /// </summary>
    /// <param name="parts">Number of parts; 1 runs inline.</param>
    /// <param name="state">Passed to every part unchanged.</param>
    /// <param name="body">The part body: (state, part index). Must not throw.</param>
    public static void Run(int parts, object state, delegate*<object, int, void> body)
    {
        ArgumentNullException.ThrowIfNull(state);
        var handle = GCHandle.Alloc(state);
        try
        {
            var job = new ObjectJob { State = GCHandle.ToIntPtr(handle), Body = body };
            Run(parts, &RunObjectPart, &job);
        }
        finally
        {
            handle.Free();
        }
    }

    private struct ObjectJob
    {
        public nint State;
        public delegate*<object, int, void> Body;
    }

    private static void RunObjectPart(void* context, int part)
    {
        var job = (ObjectJob*)context;
        job->Body(GCHandle.FromIntPtr(job->State).Target!, part);
    }

    /// <summary>
    /// Where share <paramref name="part"/> begins when <paramref name="count"/> items are dealt to <paramref name="parts"/>
    /// contiguous shares of near-equal size (share p is [ShareStart(p), ShareStart(p + 1))).
    /// </summary>
    public static int ShareStart(int count, int part, int parts) => (int)((long)count * part / parts);

    /// <summary>True while a job is in flight (a job started now by another thread would run inline on its caller).</summary>
    public static bool Busy => Volatile.Read(ref s_busy) != 0;

    /// <summary>
    /// True on a thread while it runs a part of a job. Kernels called from inside a part (a row range of a recurrent
    /// scan) run on that thread alone instead of dispatching a nested job.
    /// </summary>
    public static bool InJob => t_inJob;

    [ThreadStatic] private static bool t_inJob;

    /// <summary>
    /// True when every worker is spinning (it finished a job less than <see cref="SpinMicroseconds"/> ago), so a job
    /// starts on all threads at once; false when one has gone to sleep and would have to be woken by the OS first.
    /// </summary>
    public static bool WorkersAwake
    {
        get
        {
            for (int w = 0; w < s_workers.Length; w++)
            {
                if (s_workers[w].IsSleeping) return false;
            }
            return true;
        }
    }

    /// <summary>
    /// Wakes every sleeping worker without giving it a job, so that it spins (for <see cref="SpinMicroseconds"/>) and
    /// the next jobs start on all threads at once. For callers that are about to issue a run of products which each
    /// are too small to be worth waking a worker for (a recurrent scan after a pause).
    /// </summary>
    public static void Prewake()
    {
        if (Threads <= 1) return;
        for (int w = 0; w < s_workers.Length && w < Threads - 1; w++)
        {
            if (s_workers[w].IsSleeping) s_workers[w].Wake();
        }
    }

    /// <summary>
    /// True when recent jobs were held up by a worker that the OS descheduled mid-part (the machine has more runnable
    /// threads than cores): the caller then waited longer for the worker's last part than it worked itself. Callers
    /// use it to run small jobs on one thread (see <see cref="ShouldSplit"/>).
    /// </summary>
    public static bool IsContended => Volatile.Read(ref s_contention) >= ContendedScore;

    private const int ContendedScore = 4;
    private const int MaxScore = 8;
    private static int s_contention;
    private static int s_probe;

    /// <summary>
    /// Whether a job of this size should use the pool: always when it is large, and for a small one unless the pool
    /// <see cref="IsContended"/> — then only every 16th, to notice when the machine is free again.
    /// </summary>
    /// <param name="large">The job is large enough to gain from threads even on a busy machine.</param>
    public static bool ShouldSplit(bool large) => large || !IsContended || (++s_probe & 15) == 0;

    // A late worker (waiting > own work time + 20 µs) raises the score; an on-time job lowers it.
    private static void RecordWait(long waitTicks, long ownTicks)
    {
        bool late = waitTicks > ownTicks + Stopwatch.Frequency / 50_000;
        int score = s_contention;
        s_contention = late ? Math.Min(score + 2, MaxScore) : Math.Max(score - 1, 0);
    }

    /// <summary>
    /// One participant's turn: runs the parts of its own slot's range (so that repeated products give each thread the
    /// same columns, whose data stays in its caches), then takes what is left in the other slots' ranges.
    /// </summary>
    /// <returns>How many parts it ran.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Help(int slot)
    {
        int ran = 0;
        t_inJob = true;
        int participants = Volatile.Read(ref s_participants);
        for (int i = 0; i < participants; i++)
        {
            int victim = (slot + i) % participants;
            while (TryClaim(victim, out var work, out void* context, out int part))
            {
                work(context, part);
                ran++;
            }
        }
        t_inJob = false;
        return ran;
    }

    /// <summary>Claims the next part of <paramref name="slot"/>'s range of the current job, if any is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryClaim(int slot, out delegate*<void*, int, void> work, out void* context, out int part)
    {
        ref long claim = ref s_claims[slot * Stride];
        while (true)
        {
            long seen = Volatile.Read(ref claim);
            part = (int)(uint)seen;
            work = s_work;
            context = s_context;
            if ((uint)seen == Closed || part >= Volatile.Read(ref s_ends[slot])) return false;
            // Succeeds only if the job is still the one whose fields were read (see the remarks).
            if (Interlocked.CompareExchange(ref claim, seen + 1, seen) == seen) return true;
        }
    }

    private static long[] CreateClaims(int slots)
    {
        var claims = new long[slots * Stride];
        for (int slot = 0; slot < slots; slot++) claims[slot * Stride] = Closed;
        return claims;
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
        private readonly int _slot;
        private long _ticket;
        private int _sleeping;
        private bool _signalled;

        public Worker(int index)
        {
            _slot = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Rnn.WorkerPool {index}" };
            thread.Start();
        }

        /// <summary>True once the worker has stopped spinning and blocks (or is about to).</summary>
        public bool IsSleeping => Volatile.Read(ref _sleeping) == 1;

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
                uint job = Volatile.Read(ref s_jobId);
                int ran = Help(_slot);
                if (ran > 0) Interlocked.Add(ref s_done, ran);
                WaitForJobEnd(job);
            }
        }

        // The spin time before sleeping counts from the end of the job, not from the end of this worker's share: when the
        // caller does the parts alone (a Lockstep leader whose partner came late), a worker that slept during the long
        // solo job would come late again for the next one, and every call after would run alone.
        private static void WaitForJobEnd(uint job)
        {
            long until = Stopwatch.GetTimestamp() + MaxJobWaitMicroseconds * Stopwatch.Frequency / 1_000_000;
            while (Volatile.Read(ref s_busy) != 0 && Volatile.Read(ref s_jobId) == job && Stopwatch.GetTimestamp() < until)
                Thread.SpinWait(8);
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
