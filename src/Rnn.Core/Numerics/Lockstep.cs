using System.Diagnostics;

namespace Rnn.Core.Numerics;

/// <summary>
/// Two parts of one <see cref="WorkerPool"/> job that advance step by step together (a batch-1 recurrent scan split
/// by hidden units: every step needs the whole previous state). Part 0 (the caller's) leads: it waits a few
/// microseconds for part 1 to join and, if the worker has not started it by then, does all the work alone — so a
/// worker that is asleep or descheduled never makes the caller wait for a part nobody runs.
/// </summary>
/// <remarks>
/// Use: <see cref="Reset"/> before <c>WorkerPool.Run(2, …)</c>; part 0 calls <see cref="Lead"/>, part 1 calls
/// <see cref="Join"/>; when both return true they call <see cref="Arrive"/> after each step.
/// </remarks>
internal sealed class Lockstep
{
    private const int Forming = 0, Joined = 1, Solo = 2;

    /// <summary>How long the leader waits for its partner to join before it goes on alone.</summary>
    public static int JoinTimeoutMicroseconds { get; set; } = 3;

    private readonly long[] _progress = new long[2 * 16];   // one 64-byte line per part (index 0 and 16) and apart
    private int _state;

    /// <summary>Prepares the next run; call before dispatching the two parts.</summary>
    public void Reset()
    {
        Volatile.Write(ref _progress[0], 0);
        Volatile.Write(ref _progress[16], 0);
        Volatile.Write(ref _state, Forming);
    }

    /// <summary>Part 0: true when the partner joined (work together), false when it goes alone.</summary>
    public bool Lead()
    {
        long until = Stopwatch.GetTimestamp() + JoinTimeoutMicroseconds * Stopwatch.Frequency / 1_000_000;
        while (Volatile.Read(ref _state) == Forming)
        {
            if (Stopwatch.GetTimestamp() > until)
                return Interlocked.CompareExchange(ref _state, Solo, Forming) != Forming;
        }
        return true;
    }

    /// <summary>Part 1: true when it joined in time (work together), false when the leader already went alone.</summary>
    public bool Join() => !NeverJoin && Interlocked.CompareExchange(ref _state, Joined, Forming) == Forming;

    /// <summary>Tests: partners never join, so the leader always does all the work alone.</summary>
    internal static bool NeverJoin { get; set; }

    /// <summary>Marks step <paramref name="step"/> (1, 2, …) done by <paramref name="part"/> and waits for the other part to finish it too.</summary>
    public void Arrive(int part, long step)
    {
        Volatile.Write(ref _progress[part * 16], step);
        ref long other = ref _progress[(1 - part) * 16];
        // The partner is at most one step's work away: a plain read loop, with a PAUSE only every 256 reads — a loop of
        // PAUSEs makes a KVM guest's vCPU take pause-loop exits (measured: slower meetings), while an occasional one
        // still yields the core's resources to an SMT sibling.
        for (int spins = 1; Volatile.Read(ref other) < step; spins++)
        {
            if ((spins & 255) == 0) Thread.SpinWait(1);
        }
    }
}
