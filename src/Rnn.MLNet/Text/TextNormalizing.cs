using System.Globalization;
using Rnn.MLNet.Internals;
using Rnn.MLNet.Text;
using Rnn.MLNet.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// Normalizes text (<c>ml.Transforms.Text.NormalizeText</c>): changes case, and optionally removes diacritics,
/// punctuation and digits. Needs no training; text scalar or vector in, same shape out. A value the
/// normalization leaves unchanged is passed through without copying.
/// </summary>
public sealed class TextNormalizingEstimator : TrivialEstimator<TextNormalizingTransformer>
{
    /// <summary>The case to convert to.</summary>
    public enum CaseMode
    {
        /// <summary>Lower case (invariant culture).</summary>
        Lower = 0,
        /// <summary>Upper case (invariant culture).</summary>
        Upper = 1,
        /// <summary>Leave case unchanged.</summary>
        None = 2,
    }

    internal TextNormalizingEstimator(InputOutputColumnPair column, CaseMode caseMode, bool keepDiacritics, bool keepPunctuations, bool keepNumbers)
        : base(new TextNormalizingTransformer(column, caseMode, keepDiacritics, keepPunctuations, keepNumbers)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MapPairs(inputSchema, Transformer.ColumnPairs, c => TextShapes.RequireText(c));
}

/// <summary>The text normalization.</summary>
public sealed class TextNormalizingTransformer : OneToOneTransformerBase
{
    internal const string TypeId = "Rnn.NormalizeText";
    private readonly Settings _settings;

    internal TextNormalizingTransformer(InputOutputColumnPair column, TextNormalizingEstimator.CaseMode caseMode, bool keepDiacritics, bool keepPunctuations, bool keepNumbers)
        : base([column]) =>
        _settings = new Settings(ColumnPairRecord.From([column]), caseMode, keepDiacritics, keepPunctuations, keepNumbers);

    /// <inheritdoc/>
    protected override DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input)
    {
        TextShapes.RequireText(input);
        return new(input.Name, input.Type);
    }

    /// <inheritdoc/>
    protected override Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn)
    {
        char[] scratch = new char[64];
        return TextShapes.MapText(input, inputColumn, text => Normalize(text, ref scratch));
    }

    internal ReadOnlyMemory<char> Normalize(ReadOnlyMemory<char> text, ref char[] scratch)
    {
        ReadOnlySpan<char> src = text.Span;
        if (scratch.Length < src.Length)
            scratch = new char[Math.Max(src.Length, scratch.Length * 2)];
        int n = 0;
        foreach (char c in src)
        {
            if (!_settings.KeepDiacritics && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (!_settings.KeepPunctuations && char.IsPunctuation(c))
                continue;
            if (!_settings.KeepNumbers && char.IsDigit(c))
                continue;
            char d = _settings.KeepDiacritics ? c : Diacritics.Strip(c);
            scratch[n++] = _settings.CaseMode switch
            {
                TextNormalizingEstimator.CaseMode.Lower => char.ToLowerInvariant(d),
                TextNormalizingEstimator.CaseMode.Upper => char.ToUpperInvariant(d),
                _ => d,
            };
        }
        ReadOnlySpan<char> result = scratch.AsSpan(0, n);
        if (result.SequenceEqual(text.Span))
            return text;
        return new string(result).AsMemory();
    }

    // Format: settings.json { "columns": [ { "output", "input" } ], "caseMode", "keepDiacritics", "keepPunctuations", "keepNumbers" }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(_settings);
    }

    internal static TextNormalizingTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        InputOutputColumnPair[] pairs = ColumnPairRecord.ToPairs(s.Columns, ctx);
        ctx.Check(pairs.Length == 1 && Enum.IsDefined(s.CaseMode), "expects one column and a valid caseMode.");
        return new TextNormalizingTransformer(pairs[0], s.CaseMode, s.KeepDiacritics, s.KeepPunctuations, s.KeepNumbers);
    }

    private sealed record Settings(ColumnPairRecord[] Columns, TextNormalizingEstimator.CaseMode CaseMode, bool KeepDiacritics, bool KeepPunctuations, bool KeepNumbers);
}
