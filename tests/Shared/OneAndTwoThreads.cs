using Rnn.Core;
using Rnn.Core.Numerics;

namespace Rnn.Tests.Shared;

/// <summary>Trains the same thing on one thread and on two (<see cref="Parallelism.MaxThreads"/>) and compares every weight bit for bit.</summary>
internal static class OneAndTwoThreads
{
    /// <param name="fit">Trains from scratch (same seed every call) and returns what was trained.</param>
    /// <param name="parameters">The trained weights, by name.</param>
    /// <param name="label">Names the case in failure messages.</param>
    /// <param name="checkTwoThreads">Optional check on the two-thread result (that the work was in fact split).</param>
    public static void AssertSameWeights<T>(Func<T> fit, Func<T, ParameterCollection> parameters, string label, Action<T>? checkTwoThreads = null)
    {
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("needs two threads");
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = parameters(fit());
            Parallelism.MaxThreads = 2;
            var trained = fit();
            checkTwoThreads?.Invoke(trained);
            var two = parameters(trained);
            foreach (var (name, p) in one)
                CollectionAssert.AreEqual(p.Value.Span.ToArray(), two[name].Value.Span.ToArray(), $"{label}: {name}");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
