using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Pipelines.Text;

/// <summary>How a fitted character model generates: length, temperature, top-k, seed, unknown prompt characters.</summary>
internal sealed record GenerationSettings(int Length, float Temperature, int TopK, int Seed, Rnn.MLNet.UnknownCharacterHandling UnknownCharacters)
{
    /// <summary>The most characters one row may ask for.</summary>
    public const int MaxLength = 1_000_000;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem() =>
        Length is < 0 or > MaxLength ? $"GeneratedLength must be in 0..{MaxLength}, got {Length}"
        : !(Temperature >= 0f) || float.IsInfinity(Temperature) ? $"Temperature must be finite and non-negative, got {Temperature}"
        : TopK < 0 ? $"TopK must be 0 (all characters) or positive, got {TopK}"
        : !Enum.IsDefined(UnknownCharacters) ? $"unknown UnknownCharacters value {UnknownCharacters}"
        : null;
}

/// <summary>
/// Text in, text out over one model: encodes the prompt, warms up the state, samples, decodes. Owns its buffers and the
/// sampler's state, so one instance serves one thread (a cursor, or one call).
/// </summary>
internal sealed class CharGenerator(Rnn.MLNet.CharVocabulary vocabulary, SequenceModel model)
{
    private readonly TextSampler _sampler = new(model);
    private int[] _prompt = [];
    private int[] _generated = [];

    /// <summary>The continuation of <paramref name="prompt"/> (an empty or all-unknown prompt starts from <see cref="Rnn.MLNet.CharVocabulary.StartId"/>).</summary>
    public string Generate(ReadOnlySpan<char> prompt, GenerationSettings settings)
    {
        if (settings.Length == 0) return string.Empty;
        if (_prompt.Length < Math.Max(1, prompt.Length)) _prompt = new int[Math.Max(1, prompt.Length)];
        int n = vocabulary.Encode(prompt, _prompt, settings.UnknownCharacters);
        if (n == 0) _prompt[n++] = vocabulary.StartId;
        if (_generated.Length < settings.Length) _generated = new int[settings.Length];
        Span<int> generated = _generated.AsSpan(0, settings.Length);
        _sampler.Generate(_prompt.AsSpan(0, n), generated, settings.Temperature, settings.TopK, new Rng(settings.Seed));
        return string.Create(generated.Length, (vocabulary, _generated), static (chars, state) =>
            state.vocabulary.Decode(state._generated.AsSpan(0, chars.Length), chars));
    }
}
