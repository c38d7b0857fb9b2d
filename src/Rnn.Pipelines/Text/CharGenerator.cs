using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Pipelines.Text;

/// <summary>How a fitted character model generates: length, temperature, top-k, seed, unknown prompt characters.</summary>
internal sealed record GenerationSettings(int Length, float Temperature, int TopK, int Seed, Rnn.MLNet.UnknownCharacterHandling UnknownCharacters)
{
    /// <summary>The most characters one row may ask for.</summary>
    public const int MaxLength = 1_000_000;

    /// <summary>The first problem with these settings, named as the trainer's options name them, or null.</summary>
    public string? Problem() =>
        FirstProblem("GeneratedLength", "Temperature", "TopK", "UnknownCharacters") is { } p ? $"{p.Message}, got {p.Value}" : null;

    /// <summary>Throws for the first setting out of range, naming it by the caller's parameter name.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate(string lengthName, string temperatureName, string topKName, string unknownName)
    {
        if (FirstProblem(lengthName, temperatureName, topKName, unknownName) is { } p)
            throw new ArgumentOutOfRangeException(p.Name, p.Value, p.Message + ".");
    }

    private (string Name, object Value, string Message)? FirstProblem(string lengthName, string temperatureName, string topKName, string unknownName) =>
        Length is < 0 or > MaxLength ? (lengthName, Length, $"{lengthName} must be in 0..{MaxLength}")
        : !(Temperature >= 0f) || float.IsInfinity(Temperature) ? (temperatureName, Temperature, $"{temperatureName} must be finite and non-negative")
        : TopK < 0 ? (topKName, TopK, $"{topKName} must be 0 (all characters) or positive")
        : !Enum.IsDefined(UnknownCharacters) ? (unknownName, UnknownCharacters, $"{unknownName} must be Skip or Throw")
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
        int n = vocabulary.Encode(prompt, _prompt, settings.UnknownCharacters, "prompt");
        if (n == 0) _prompt[n++] = vocabulary.StartId;
        if (_generated.Length < settings.Length) _generated = new int[settings.Length];
        Span<int> generated = _generated.AsSpan(0, settings.Length);
        _sampler.Generate(_prompt.AsSpan(0, n), generated, settings.Temperature, settings.TopK, new Rng(settings.Seed));
        return string.Create(generated.Length, (vocabulary, _generated), static (chars, state) =>
            state.vocabulary.Decode(state._generated.AsSpan(0, chars.Length), chars));
    }
}
