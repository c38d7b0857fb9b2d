using System.Collections.Concurrent;

namespace Rnn.Tests.Shared;

/// <summary>Runs a body on several dedicated threads that start together, for the concurrency tests.</summary>
internal static class Together
{
    /// <summary>
    /// Runs <paramref name="body"/>(i) for i in [0, <paramref name="threads"/>), each on its own thread; <paramref name="prepare"/>(i)
    /// runs first on that thread, then every thread waits for the others before the body. Returns when all are done;
    /// an exception on any thread is rethrown here (in an <see cref="AggregateException"/>) instead of ending the process.
    /// </summary>
    public static void Run(int threads, Action<int> body, Action<int>? prepare = null)
    {
        using var start = new Barrier(threads);
        var errors = new ConcurrentQueue<Exception>();
        var running = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            try
            {
                prepare?.Invoke(i);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
            start.SignalAndWait();
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }) { IsBackground = true, Name = $"test thread {i}" }).ToList();
        running.ForEach(t => t.Start());
        running.ForEach(t => t.Join());
        if (!errors.IsEmpty) throw new AggregateException(errors);
    }
}
