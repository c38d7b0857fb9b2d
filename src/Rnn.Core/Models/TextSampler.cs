using Rnn.Core.Internals;
using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Models;

// P = prompt tokens, V = vocabulary, L = layers, H = hidden.

/// <summary>
/// Generates token sequences from a language model (a unidirectional <see cref="SequenceModel"/> with token input and
/// a head at every step): the prompt warms up the state, then each next token is drawn from the softmax of the
/// last logits and fed back in.
/// </summary>
/// <remarks>
/// <para>Drawing a token from logits z [V] (<see cref="Pick"/>): with temperature τ = 0 the argmax (the lowest id on a
/// tie); otherwise, keeping only the top-k logits when 0 &lt; k &lt; V (every logit equal to the k-th largest is kept),
/// <c>p_i ∝ exp((z_i − max z) / τ)</c>, and the token is the first i whose cumulative probability exceeds u·Σp for one
/// uniform u from the given <see cref="Rng"/>. The same model, prompt, options and seed give the same tokens.</para>
/// <para>The sampler runs the model in evaluation mode (restoring its mode afterwards) and owns its state and buffers;
/// it is not thread-safe. Give each thread its own model clone and sampler.</para>
/// </remarks>
public sealed class TextSampler
{
    private readonly SequenceModel _model;
    private readonly SequenceBatch _batch = new();
    private readonly RecurrentState _state;
    private readonly RecurrentState _final;
    private readonly float[] _logits;   // [V]: logits of the last step
    private readonly float[] _scratch;  // [V]

    /// <summary>Creates a sampler over <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model is not a unidirectional per-step token model whose outputs are its vocabulary.</exception>
    public TextSampler(SequenceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var o = model.Options;
        if (!o.UsesTokens || !model.IsPerStep || o.Bidirectional || o.OutputSize != o.VocabularySize)
            ThrowHelper.ThrowArgument(nameof(model), "sampling needs a language model: token input, a head at every step (Pooling = null), one direction, OutputSize = VocabularySize");
        _model = model;
        int layers = model.Rnn.NumLayers, h = model.Rnn.HiddenSize;
        _state = new RecurrentState(new Tensor(layers, 1, h), o.Cell == CellType.Lstm ? new Tensor(layers, 1, h) : null);
        _final = model.FinalState;
        _logits = new float[o.VocabularySize];
        _scratch = new float[o.VocabularySize];
    }

    /// <summary>V, the number of token ids.</summary>
    public int VocabularySize => _logits.Length;

    /// <summary>
    /// Runs <paramref name="prompt"/> through the model from the zero state, then draws <paramref name="destination"/>.Length
    /// tokens one by one, each fed back as the next input.
    /// </summary>
    /// <param name="prompt">P ≥ 1 token ids in 0..V−1.</param>
    /// <param name="destination">Receives the generated ids (the prompt is not repeated).</param>
    /// <param name="temperature">τ ≥ 0; 0 picks the most likely token every time.</param>
    /// <param name="topK">Keep only the k most likely tokens; 0 keeps all.</param>
    /// <param name="rng">Source of the draws (unused when τ = 0).</param>
    /// <exception cref="ArgumentException">The prompt is empty or holds an id outside the vocabulary.</exception>
    public void Generate(ReadOnlySpan<int> prompt, Span<int> destination, float temperature, int topK, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckSampling(temperature, topK);
        if (prompt.IsEmpty) ThrowHelper.ThrowArgument(nameof(prompt), "the prompt needs at least one token to warm up the state");
        for (int i = 0; i < prompt.Length; i++)
            if ((uint)prompt[i] >= (uint)_logits.Length)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(prompt), prompt[i], $"prompt[{i}] = {prompt[i]} is outside 0..{_logits.Length - 1}");
        if (destination.IsEmpty) return;

        bool wasTraining = _model.Training;
        _model.Eval();
        try
        {
            Step(prompt, carry: false);
            for (int i = 0; i < destination.Length; i++)
            {
                int next = Pick(_logits, temperature, topK, rng, _scratch);
                destination[i] = next;
                if (i + 1 < destination.Length) Step([next], carry: true);
            }
        }
        finally
        {
            if (wasTraining) _model.Train();
        }
    }

    /// <summary>Draws one token id from <paramref name="logits"/> (see the remarks of <see cref="TextSampler"/>).</summary>
    /// <param name="logits">z [V], finite.</param>
    /// <param name="temperature">τ ≥ 0; 0 gives the argmax.</param>
    /// <param name="topK">Keep only the k largest logits; 0 (or ≥ V) keeps all.</param>
    /// <param name="rng">Source of the uniform draw (not advanced when τ = 0).</param>
    /// <param name="scratch">Work space of at least V floats.</param>
    public static int Pick(ReadOnlySpan<float> logits, float temperature, int topK, Rng rng, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckSampling(temperature, topK);
        int v = logits.Length;
        if (v == 0) ThrowHelper.ThrowArgument(nameof(logits), "logits are empty");
        if (scratch.Length < v) ThrowHelper.ThrowArgument(nameof(scratch), $"scratch holds {scratch.Length} floats, {v} are needed");
        int arg = 0;
        for (int i = 1; i < v; i++) if (logits[i] > logits[arg]) arg = i;
        if (temperature == 0f) return arg;

        float threshold = float.NegativeInfinity;
        if (topK > 0 && topK < v)
        {
            Span<float> sorted = scratch[..v];
            logits.CopyTo(sorted);
            sorted.Sort();
            threshold = sorted[v - topK];   // the k-th largest
        }
        float max = logits[arg];
        double sum = 0;
        Span<float> p = scratch[..v];
        for (int i = 0; i < v; i++)
        {
            p[i] = logits[i] >= threshold ? MathF.Exp((logits[i] - max) / temperature) : 0f;
            sum += p[i];
        }
        double u = rng.NextDouble() * sum, cumulative = 0;
        for (int i = 0; i < v; i++)
        {
            cumulative += p[i];
            if (u < cumulative && p[i] > 0f) return i;
        }
        return arg;   // rounding left u at the very top: the most likely token
    }

    /// <summary>Runs <paramref name="tokens"/> from the carried (or zero) state; leaves the last step's logits in _logits.</summary>
    private void Step(ReadOnlySpan<int> tokens, bool carry)
    {
        _batch.ResetTokens(1, tokens.Length);
        tokens.CopyTo(_batch.Tokens);
        _batch.Seal();
        Tensor logits = _model.Forward(_batch, carry ? _state : null);   // [1, P, V]
        logits.Span.Slice((tokens.Length - 1) * _logits.Length, _logits.Length).CopyTo(_logits);
        _final.H.Span.CopyTo(_state.H.Span);
        if (_state.C is not null) _final.C!.Span.CopyTo(_state.C.Span);
    }

    private static void CheckSampling(float temperature, int topK)
    {
        if (!(temperature >= 0f) || float.IsInfinity(temperature))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(temperature), temperature, "temperature must be finite and non-negative (0 = argmax)");
        if (topK < 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(topK), topK, "topK must be 0 (all tokens) or positive");
    }
}
