using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet.Persistence;

namespace Rnn.MLNet.Scoring;

/// <summary>
/// The recurrent predictor as ML.NET CustomMapping kernels: stateless static mappings that find the network in the
/// payload column (parsed once per loaded model, see <see cref="PayloadCache{T}"/>) and score one row. ML.NET rebuilds
/// them on load from their contract names; the names carry a version and old ones keep their factories.
/// </summary>
internal static class ScoringKernel
{
    /// <summary>The feature column copied in under a fixed name, so the kernel's input row type can name it.</summary>
    public const string FeaturesColumn = PayloadCarrier.Prefix + "features";
    public const string ScoreColumn = PayloadCarrier.Prefix + "score";
    public const string ProbabilityColumn = PayloadCarrier.Prefix + "probability";
    public const string PositiveColumn = PayloadCarrier.Prefix + "positive";
    public const string ClassColumn = PayloadCarrier.Prefix + "class";
    public const string ProbabilitiesPrefix = PayloadCarrier.Prefix + "p";

    public const string TokensContract = "Rnn.MLNet.Score.Tokens.v1";
    public const string StepsContract = "Rnn.MLNet.Score.Steps.v1";

    /// <summary>Every column the kernels add.</summary>
    public static IEnumerable<string> OutputColumns =>
        new[] { ScoreColumn, ProbabilityColumn, PositiveColumn, ClassColumn }.Concat(FixedVector.AllBlockColumns(ProbabilitiesPrefix));

    public static void MapTokens(TokenRow input, ScoreRow output)
    {
        var scorer = Scorer(input.State);
        scorer.Score(in input.Features, output);
    }

    public static void MapSteps(StepRow input, ScoreRow output)
    {
        var scorer = Scorer(input.State);
        scorer.Score(in input.Features, output);
    }

    private static ParsedPredictor Scorer(ReadOnlyMemory<char> state) =>
        PayloadCache<ParsedPredictor>.Get(state, static s => new ParsedPredictor(RecurrentModel.FromPayload(s.Span)));

    /// <summary>A row of token features.</summary>
    public sealed class TokenRow
    {
        [ColumnName(PayloadCarrier.StateColumn)]
        public ReadOnlyMemory<char> State;

        [ColumnName(FeaturesColumn)]
        public VBuffer<uint> Features;
    }

    /// <summary>A row of float-step features.</summary>
    public sealed class StepRow
    {
        [ColumnName(PayloadCarrier.StateColumn)]
        public ReadOnlyMemory<char> State;

        [ColumnName(FeaturesColumn)]
        public VBuffer<float> Features;
    }

    /// <summary>Every output of every task; the scoring chain copies out the ones its task has.</summary>
    public sealed class ScoreRow
    {
        [ColumnName(ScoreColumn)] public float Score;
        [ColumnName(ProbabilityColumn)] public float Probability;
        [ColumnName(PositiveColumn)] public bool Positive;
        [ColumnName(ClassColumn)] public ReadOnlyMemory<char> Class;
        [ColumnName(ProbabilitiesPrefix + "1"), VectorType(1)] public float[] P1 = [];
        [ColumnName(ProbabilitiesPrefix + "2"), VectorType(2)] public float[] P2 = [];
        [ColumnName(ProbabilitiesPrefix + "4"), VectorType(4)] public float[] P4 = [];
        [ColumnName(ProbabilitiesPrefix + "8"), VectorType(8)] public float[] P8 = [];
        [ColumnName(ProbabilitiesPrefix + "16"), VectorType(16)] public float[] P16 = [];
        [ColumnName(ProbabilitiesPrefix + "32"), VectorType(32)] public float[] P32 = [];
        [ColumnName(ProbabilitiesPrefix + "64"), VectorType(64)] public float[] P64 = [];
        [ColumnName(ProbabilitiesPrefix + "128"), VectorType(128)] public float[] P128 = [];
        [ColumnName(ProbabilitiesPrefix + "256"), VectorType(256)] public float[] P256 = [];
        [ColumnName(ProbabilitiesPrefix + "512"), VectorType(512)] public float[] P512 = [];
        [ColumnName(ProbabilitiesPrefix + "1024"), VectorType(1024)] public float[] P1024 = [];
        [ColumnName(ProbabilitiesPrefix + "2048"), VectorType(2048)] public float[] P2048 = [];
        [ColumnName(ProbabilitiesPrefix + "4096"), VectorType(4096)] public float[] P4096 = [];
        [ColumnName(ProbabilitiesPrefix + "8192"), VectorType(8192)] public float[] P8192 = [];
        [ColumnName(ProbabilitiesPrefix + "16384"), VectorType(16384)] public float[] P16384 = [];
        [ColumnName(ProbabilitiesPrefix + "32768"), VectorType(32768)] public float[] P32768 = [];

        /// <summary>The block of <paramref name="size"/> probabilities, allocated on first use.</summary>
        public float[] Block(int size)
        {
            ref float[] block = ref P1;
            switch (size)
            {
                case 1: block = ref P1; break;
                case 2: block = ref P2; break;
                case 4: block = ref P4; break;
                case 8: block = ref P8; break;
                case 16: block = ref P16; break;
                case 32: block = ref P32; break;
                case 64: block = ref P64; break;
                case 128: block = ref P128; break;
                case 256: block = ref P256; break;
                case 512: block = ref P512; break;
                case 1024: block = ref P1024; break;
                case 2048: block = ref P2048; break;
                case 4096: block = ref P4096; break;
                case 8192: block = ref P8192; break;
                case 16384: block = ref P16384; break;
                case 32768: block = ref P32768; break;
                default: throw new ArgumentOutOfRangeException(nameof(size), size, "A block size is a power of two up to 32768.");
            }
            if (block.Length != size) block = new float[size];
            return block;
        }
    }

    [CustomMappingFactoryAttribute(TokensContract)]
    public sealed class TokensFactory : CustomMappingFactory<TokenRow, ScoreRow>
    {
        public override Action<TokenRow, ScoreRow> GetMapping() => MapTokens;
    }

    [CustomMappingFactoryAttribute(StepsContract)]
    public sealed class StepsFactory : CustomMappingFactory<StepRow, ScoreRow>
    {
        public override Action<StepRow, ScoreRow> GetMapping() => MapSteps;
    }

    /// <summary>A loaded predictor with one network workspace per thread (a network's buffers serve one row at a time).</summary>
    /// <remarks>Lives as long as the loaded model's payload text (a weak cache entry); its thread-locals are then finalised.</remarks>
#pragma warning disable CA1001 // no owner could dispose it: the cache entry goes with the model
    private sealed class ParsedPredictor
    {
        private readonly RecurrentModel _model;
        private readonly ThreadLocal<Workspace> _workspaces;
        private readonly ReadOnlyMemory<char>[] _labelNames;

        public ParsedPredictor(RecurrentModel model)
        {
            _model = model;
            _workspaces = new ThreadLocal<Workspace>(() => new Workspace(model));
            _labelNames = (model.LabelNames ?? []).Select(n => n.AsMemory()).ToArray();
        }

        public void Score(in VBuffer<uint> tokens, ScoreRow output)
        {
            var w = _workspaces.Value!;
            var ids = w.Reader.ReadTokens(tokens);
            w.Batch.ResetTokens(1, ids.Length);
            ids.CopyTo(w.Batch.Tokens);
            Finish(w, output);
        }

        public void Score(in VBuffer<float> steps, ScoreRow output)
        {
            var w = _workspaces.Value!;
            var values = w.Reader.ReadSteps(steps);
            int f = _model.Features.StepSize;
            w.Batch.ResetValues(1, values.Length / f, f);
            values.CopyTo(w.Batch.Values);
            Finish(w, output);
        }

        private void Finish(Workspace w, ScoreRow output)
        {
            w.Batch.Seal();
            ReadOnlySpan<float> logits = w.Network.Forward(w.Batch).Span;
            switch (_model.Task)
            {
                case RecurrentTask.BinaryClassification:
                    output.Score = logits[1] - logits[0];
                    output.Probability = 1f / (1f + MathF.Exp(-output.Score));
                    output.Positive = output.Score > 0;
                    break;
                case RecurrentTask.MulticlassClassification:
                    Activations.Softmax(logits, logits.Length, w.Probabilities);
                    int arg = 0;
                    for (int c = 1; c < logits.Length; c++) if (logits[c] > logits[arg]) arg = c;
                    output.Score = w.Probabilities[arg];
                    output.Class = _labelNames[arg];
                    FixedVector.Scatter(w.Probabilities, output.Block);
                    break;
                default:
                    output.Score = logits[0];
                    break;
            }
        }
    }

#pragma warning restore CA1001

    private sealed class Workspace
    {
        public Workspace(RecurrentModel model)
        {
            Network = model.Network.Clone();
            Network.Eval();
            Reader = new SequenceFeatures.Reader(model.Features);
            Probabilities = new float[model.Network.Options.OutputSize];
        }

        public SequenceModel Network { get; }

        public SequenceFeatures.Reader Reader { get; }

        public SequenceBatch Batch { get; } = new();

        public float[] Probabilities { get; }
    }
}
