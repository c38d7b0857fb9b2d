using Rnn.Core.Numerics;
using Rnn.Core.Training;

// N = sequences, T = steps, K = symbols (= features per step).

/// <summary>
/// The long-range memory task: step 1 holds a class symbol (one-hot, one of K), steps 2..T hold Gaussian noise in
/// the same K features, and the label is the first symbol. Only a net that carries step 1 across T−1 steps of
/// noise beats chance (1/K); nothing in a later step's content marks it as noise, only its position does.
/// </summary>
internal static class FirstSymbolTask
{
    /// <summary>K, the classes.</summary>
    public const int Symbols = 4;

    /// <summary>F = 2K features per step: the symbol channels, then the noise channels.</summary>
    public const int Features = 2 * Symbols;

    /// <summary><paramref name="count"/> sequences of <paramref name="steps"/> steps, each [T, K] flattened, with labels.</summary>
    public static SequenceDataset Generate(int count, int steps, Rng rng)
    {
        var sequences = new float[count][];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            var x = new float[steps * Features];                            // [T, F]
            labels[n] = rng.NextInt(Symbols);
            x[labels[n]] = 1f;                                              // step 1: the symbol
            for (int t = 1; t < steps; t++)                                 // steps 2..T: noise
                for (int k = 0; k < Symbols; k++) x[t * Features + Symbols + k] = rng.Normal();
            sequences[n] = x;
        }
        return SequenceDataset.FromValues(sequences, Features, labels);
    }
}
