using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.Onnx.Protobuf;
using static Rnn.Onnx.Export.OnnxGraphBuilder;
using DataType = Rnn.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Rnn.Onnx.Export;

// B = batch, T = steps, V = vocabulary, E = embedding, F = features per step, H = hidden, D = directions, O = outputs.

/// <summary>
/// Writes a <see cref="SequenceModel"/> (eval mode) as an ONNX graph of standard operators:
/// <code>
/// tokens [B, T] int64 ─ Transpose ─ Gather(embedding) ─┐            steps [B, T, F] ─ Transpose ─┐
///                                                       x [T, B, I] ◄───────────────────────────┘
/// lengths [B] int64 ─ Cast int32 ─ sequence_lens of every layer
/// x ─ LSTM/GRU/RNN layer 0 ─ [T, B, D·H] ─ … ─ layer L−1 ─ pooling (last: Y_h; mean/max: masked reduce over T)
///   ─ Gemm(fc) ─ logits [B, O] ─ task outputs        (per-step head: MatMul + Add at every step ─ logits [B, T, O])
/// </code>
/// </summary>
/// <remarks>
/// Weights are converted from PyTorch's gate order to ONNX's: LSTM (i, f, g, o) → (i, o, f, c); GRU (r, z, n) → (z, r, h)
/// with <c>linear_before_reset = 1</c> (PyTorch applies r to W_hn·h + b_hn); RNN keeps its one block. ONNX's B input is
/// <c>[W_b | R_b]</c> per direction, PyTorch's <c>bias_ih</c> then <c>bias_hh</c>, reordered the same way.
/// </remarks>
internal sealed partial class RecurrentGraph
{
    private readonly OnnxGraphBuilder _g;
    private readonly SequenceModel _network;
    private readonly SequenceModelOptions _o;

    private RecurrentGraph(SequenceModel network, string doc)
    {
        _network = network;
        _o = network.Options;
        _g = new OnnxGraphBuilder("rnnml_recurrent", doc);
    }

    /// <summary>Builds the model. <paramref name="task"/> null writes the network's logits only.</summary>
    /// <exception cref="NotSupportedException">The network uses a feature this exporter cannot write (named in the message).</exception>
    public static ModelProto Build(SequenceModel network, RecurrentTask? task, int maximumLength, IReadOnlyList<string>? labelNames,
        IEnumerable<KeyValuePair<string, string>> metadata)
    {
        CheckSupported(network.Options, task);
        string doc = Describe(network.Options, task);
        var graph = new RecurrentGraph(network, doc);
        graph.Write(task, maximumLength);
        var props = new List<KeyValuePair<string, string>>(metadata)
        {
            new("rnnml.cell", network.Options.Cell.ToString()),
            new("rnnml.pooling", network.Options.Pooling?.ToString() ?? "PerStep"),
        };
        if (labelNames is not null) props.Add(new("rnnml.label_names", System.Text.Json.JsonSerializer.Serialize(labelNames)));
        return graph._g.ToModel(RecurrentOnnx.IrVersion, RecurrentOnnx.OpsetVersion,
            typeof(RecurrentGraph).Assembly.GetName().Version?.ToString() ?? "0", doc, props);
    }

    private static void CheckSupported(SequenceModelOptions o, RecurrentTask? task)
    {
        if (!Enum.IsDefined(o.Cell)) throw new NotSupportedException($"ONNX export: the cell type {o.Cell} has no ONNX operator here (RNN, LSTM and GRU are exported).");
        if (!Enum.IsDefined(o.Nonlinearity)) throw new NotSupportedException($"ONNX export: the RNN nonlinearity {o.Nonlinearity} is not exported (Tanh and Relu are).");
        if (o.Pooling is PoolingKind p && !Enum.IsDefined(p)) throw new NotSupportedException($"ONNX export: the pooling {p} is not exported (Last, Mean and Max are).");
        if (o.WideBuckets > 0 && o.Pooling is null)
            throw new NotSupportedException($"ONNX export: the wide (bag-of-words) path (WideBuckets = {o.WideBuckets}, parameter wide.weight) is exported for pooled models only.");
        if (o.Pooling is null && task is not null) throw new NotSupportedException($"ONNX export: a {task} model with a per-step head (no pooling) is not exported; export its SequenceModel for per-step logits.");
    }

    private static string Describe(SequenceModelOptions o, RecurrentTask? task) =>
        $"RnnMl {(o.Bidirectional ? "bidirectional " : "")}{o.NumLayers}-layer {o.Cell} (H = {o.HiddenSize}) on " +
        (o.UsesTokens ? $"token ids (vocabulary {o.VocabularySize}, embedding {o.EmbeddingSize})" : $"float steps of {o.InputSize} features") +
        (o.Pooling is PoolingKind p ? $", {p} pooling over the valid steps, linear head of {o.OutputSize}" : $", linear head of {o.OutputSize} at every step") +
        (task is RecurrentTask t ? $", {t}." : ", logits.");

    private void Write(RecurrentTask? task, int maximumLength)
    {
        int d = _o.Bidirectional ? 2 : 1;

        // ---------------------------------------------------------------- inputs
        string lengths = _g.Input(RecurrentOnnx.LengthsInput, DataType.Int64,
            "Valid steps of each sequence, [batch], each in 1..steps; steps past a sequence's length are padding and never read.", "batch");
        string sequence;
        if (_o.UsesTokens)
        {
            sequence = _g.Input(RecurrentOnnx.TokensInput, DataType.Int64,
                $"Token ids in 0..{_o.VocabularySize - 1}, [batch, steps]" +
                (_o.PaddingIndex is int padding ? $"; {padding} has a zero embedding (for the ML.NET trainers: 0 = missing key, k = key k of the feature column)" : "") +
                $"; pad with any valid id. An id outside 0..{_o.VocabularySize - 1} fails the run (Gather's bounds check).",
                "batch", "steps");
        }
        else
        {
            sequence = _g.Input(RecurrentOnnx.StepsInput, DataType.Float,
                $"Float steps, [batch, steps, {_o.InputSize}] (the feature vector of T·{_o.InputSize} values, step-major); pad with anything finite.",
                "batch", "steps", _o.InputSize);
        }
        if (maximumLength > 0)
        {
            // The transformer keeps the first MaximumSequenceLength steps of each row.
            string axis1 = _g.Int64Vector("axis_1", 1);
            sequence = _g.Node("Slice", "sequence_kept", [sequence, _g.Int64Vector("slice_start", 0), _g.Int64Vector("slice_end", maximumLength), axis1]);
            lengths = _g.Node("Min", "lengths_kept", [lengths, _g.Int64Scalar("maximum_length", maximumLength)]);
        }
        string sequenceLens = _g.Node("Cast", "sequence_lens", [lengths], Attribute("to", (long)DataType.Int32));
        string? wideTokens = _o.WideBuckets > 0
            ? _g.Node("Where", "wide_tokens", [_g.Node("Less", "wide_token_negative", [sequence, _g.Int64Scalar("wide_zero", 0)]), _g.Int64Scalar("wide_vocabulary_size", _o.VocabularySize), sequence])
            : null;

        // ---------------------------------------------------------------- x [T, B, I]
        string x;
        if (_o.UsesTokens)
        {
            string tokensTb = _g.Node("Transpose", "tokens_tb", [sequence], Attribute("perm", new long[] { 1, 0 }));
            // Gather would read a negative id from the end of the table; send it past the end instead, so it fails like any id ≥ V.
            string negative = _g.Node("Less", "token_negative", [tokensTb, _g.Int64Scalar("zero_i64", 0)]);
            string guarded = _g.Node("Where", "token_ids", [negative, _g.Int64Scalar("vocabulary_size", _o.VocabularySize), tokensTb]);
            var table = _network.Embedding!.Weight.Value; // [V, E], row 0 zero
            x = _g.Node("Gather", "embedded", [_g.Floats("embedding.weight", table.Span, table.Size(0), table.Size(1)), guarded], Attribute("axis", 0L));
        }
        else
        {
            x = _g.Node("Transpose", "steps_tbf", [sequence], Attribute("perm", new long[] { 1, 0, 2 }));
        }

        // ---------------------------------------------------------------- recurrent stack
        bool needSteps = _o.Pooling != PoolingKind.Last;
        string top = x, topFinal = "";
        for (int l = 0; l < _o.NumLayers; l++)
        {
            bool last = l == _o.NumLayers - 1;
            (top, topFinal) = Layer(l, top, sequenceLens, writeSteps: !last || needSteps, writeFinal: last && !needSteps);
        }

        // ---------------------------------------------------------------- pooling and head
        string mask3 = needSteps ? StepMask(x, lengths) : "";
        if (_o.Pooling is null)
        {
            string outputs = _g.Node("Transpose", "steps_btw", [top], Attribute("perm", new long[] { 1, 0, 2 }));
            var w = _network.Head.Parameters["weight"].Value; // [O, D·H]
            string wt = _g.Floats("fc.weight_t", Transposed(w.Span, w.Size(0), w.Size(1)), w.Size(1), w.Size(0));
            string product = _g.Node("MatMul", "fc_product", [outputs, wt]);
            string logits = _g.Node("Add", "fc_logits", [product, Bias()]);
            string maskBt = _g.Node("Transpose", "step_mask_bt", [mask3], Attribute("perm", new long[] { 1, 0, 2 }));
            _g.Node("Where", RecurrentOnnx.LogitsOutput, [maskBt, logits, _g.FloatScalar("zero_f", 0f)]);
            _g.Output(RecurrentOnnx.LogitsOutput, DataType.Float, "Logits of the head at every step, [batch, steps, outputs]; zero at padded steps.", "batch", "steps", _o.OutputSize);
            return;
        }
        string pooled = _o.Pooling switch
        {
            PoolingKind.Last => d == 1
                ? _g.Node("Squeeze", "pooled", [topFinal, _g.Int64Vector("axis_0", 0)])
                : _g.Node("Reshape", "pooled", [_g.Node("Transpose", "final_bdh", [topFinal], Attribute("perm", new long[] { 1, 0, 2 })), _g.Int64Vector("shape_b_flat", 0, -1)]),
            PoolingKind.Mean => MeanPool(top, mask3, lengths),
            _ => _g.Node("ReduceMax", "pooled", [_g.Node("Where", "steps_masked", [mask3, top, _g.FloatScalar("minus_infinity", float.NegativeInfinity)])],
                Attribute("axes", new long[] { 0 }), Attribute("keepdims", 0L)),
        };
        var weight = _network.Head.Parameters["weight"].Value; // [O, D·H]
        string fcWeight = _g.Floats("fc.weight", weight.Span, weight.Size(0), weight.Size(1));
        if (wideTokens is null)
        {
            _g.Node("Gemm", RecurrentOnnx.LogitsOutput, [pooled, fcWeight, Bias()], Attribute("transB", 1L));
        }
        else
        {
            // Wide and deep: the recurrent head's logits plus the wide path's.
            string deep = _g.Node("Gemm", "deep_logits", [pooled, fcWeight, Bias()], Attribute("transB", 1L));
            _g.Node("Add", RecurrentOnnx.LogitsOutput, [deep, WideLogits(wideTokens, lengths)]);
        }
        _g.Output(RecurrentOnnx.LogitsOutput, DataType.Float, "Logits of the linear head, [batch, outputs].", "batch", _o.OutputSize);
        TaskOutputs(task);
    }

    private string Bias()
    {
        var b = _network.Head.Parameters["bias"].Value; // [O]
        return _g.Floats("fc.bias", b.Span, b.Size(0));
    }

    /// <summary>
    /// One layer (both directions) over x [T, B, I]: returns its steps' output [T, B, D·H] and its final states
    /// Y_h [D, B, H], each only when asked for.
    /// </summary>
    private (string Steps, string Final) Layer(int l, string x, string sequenceLens, bool writeSteps, bool writeFinal)
    {
        var o = _o;
        int d = o.Bidirectional ? 2 : 1, h = o.HiddenSize, gates = RecurrentLayer.GateCountOf(o.Cell);
        int input = l == 0 ? (o.UsesTokens ? o.EmbeddingSize : o.InputSize) : d * h;
        int[] order = GateOrder(o.Cell);
        var w = new float[d * gates * h * input]; // [D, G·H, I]
        var r = new float[d * gates * h * h];     // [D, G·H, H]
        var bias = new float[d * 2 * gates * h];  // [D, 2·G·H]: W_b | R_b
        for (int dir = 0; dir < d; dir++)
        {
            string suffix = $"l{l}{(dir == 1 ? "_reverse" : "")}";
            ReadOnlySpan<float> wIh = Parameter($"weight_ih_{suffix}"), wHh = Parameter($"weight_hh_{suffix}");
            ReadOnlySpan<float> bIh = Parameter($"bias_ih_{suffix}"), bHh = Parameter($"bias_hh_{suffix}");
            for (int k = 0; k < gates; k++)
            {
                int from = order[k]; // ONNX block k is PyTorch block order[k]
                wIh.Slice(from * h * input, h * input).CopyTo(w.AsSpan((dir * gates + k) * h * input, h * input));
                wHh.Slice(from * h * h, h * h).CopyTo(r.AsSpan((dir * gates + k) * h * h, h * h));
                bIh.Slice(from * h, h).CopyTo(bias.AsSpan((dir * 2 * gates + k) * h, h));
                bHh.Slice(from * h, h).CopyTo(bias.AsSpan((dir * 2 * gates + gates + k) * h, h));
            }
        }
        string[] inputs =
        [
            x,
            _g.Floats($"W_l{l}", w, d, gates * h, input),
            _g.Floats($"R_l{l}", r, d, gates * h, h),
            _g.Floats($"B_l{l}", bias, d, 2 * gates * h),
            sequenceLens,
        ];
        var attributes = new List<AttributeProto>
        {
            Attribute("hidden_size", (long)h),
            Attribute("direction", o.Bidirectional ? "bidirectional" : "forward"),
        };
        if (o.Cell == CellType.Gru) attributes.Add(Attribute("linear_before_reset", 1L));
        if (o.Cell == CellType.Rnn)
            attributes.Add(Attribute("activations", Enumerable.Repeat(o.Nonlinearity == Nonlinearity.Relu ? "Relu" : "Tanh", d).ToArray()));
        string op = o.Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "RNN" };
        string y = writeSteps ? $"Y_l{l}" : "", yH = writeFinal ? $"Y_h_l{l}" : "";
        _g.Node(op, [y, yH], inputs, [.. attributes]);
        if (!writeSteps) return ("", yH);
        // Y [T, D, B, H] → [T, B, D·H] (forward features first, as PyTorch's output)
        string steps = d == 1
            ? _g.Node("Squeeze", $"out_l{l}", [y, _g.Int64Vector($"axis_1_l{l}", 1)])
            : _g.Node("Reshape", $"out_l{l}", [_g.Node("Transpose", $"Y_tbdh_l{l}", [y], Attribute("perm", new long[] { 0, 2, 1, 3 })), _g.Int64Vector($"shape_tb_flat_l{l}", 0, 0, -1)]);
        return (steps, yH);
    }

    /// <summary>For ONNX gate block k, the PyTorch block it comes from: LSTM i,o,f,c ← i,f,g,o; GRU z,r,h ← r,z,n.</summary>
    private static int[] GateOrder(CellType cell) => cell switch
    {
        CellType.Lstm => [0, 3, 1, 2],
        CellType.Gru => [1, 0, 2],
        _ => [0],
    };

    private ReadOnlySpan<float> Parameter(string name) => _network.Rnn.Parameters[name].Value.Span;

    /// <summary>mask [T, B, 1]: step t of example b is valid (t &lt; lengths[b]).</summary>
    private string StepMask(string x, string lengths)
    {
        string t = _g.Node("Shape", "steps_count", [x], Attribute("start", 0L), Attribute("end", 1L)); // [1]
        string tScalar = _g.Node("Squeeze", "steps_scalar", [t]);
        string positions = _g.Node("Range", "step_positions", [_g.Int64Scalar("range_start", 0), tScalar, _g.Int64Scalar("range_delta", 1)]); // [T]
        string column = _g.Node("Unsqueeze", "step_positions_t1", [positions, _g.Int64Vector("axis_1_mask", 1)]); // [T, 1]
        string row = _g.Node("Unsqueeze", "lengths_1b", [lengths, _g.Int64Vector("axis_0_mask", 0)]);             // [1, B]
        string mask = _g.Node("Less", "step_mask_tb", [column, row]);                                              // [T, B]
        return _g.Node("Unsqueeze", "step_mask", [mask, _g.Int64Vector("axis_2_mask", 2)]);                        // [T, B, 1]
    }

    private string MeanPool(string steps, string mask3, string lengths)
    {
        string masked = _g.Node("Where", "steps_masked", [mask3, steps, _g.FloatScalar("zero_pool", 0f)]);
        string sum = _g.Node("ReduceSum", "steps_sum", [masked, _g.Int64Vector("axes_0", 0)], Attribute("keepdims", 0L)); // [B, D·H]
        string count = _g.Node("Cast", "lengths_f", [_g.Node("Unsqueeze", "lengths_b1", [lengths, _g.Int64Vector("axis_1_mean", 1)])], Attribute("to", (long)DataType.Float));
        return _g.Node("Div", "pooled", [sum, count]);
    }

    /// <summary>The task's ML.NET scoring values, from logits [B, O].</summary>
    private void TaskOutputs(RecurrentTask? task)
    {
        string logits = RecurrentOnnx.LogitsOutput;
        switch (task)
        {
            case RecurrentTask.BinaryClassification:
                string positive = _g.Node("Gather", "logit_1", [logits, _g.Int64Scalar("class_1", 1)], Attribute("axis", 1L));
                string negative = _g.Node("Gather", "logit_0", [logits, _g.Int64Scalar("class_0", 0)], Attribute("axis", 1L));
                _g.Node("Sub", RecurrentOnnx.ScoreOutput, [positive, negative]);
                _g.Node("Sigmoid", RecurrentOnnx.ProbabilityOutput, [RecurrentOnnx.ScoreOutput]);
                _g.Node("Greater", RecurrentOnnx.PredictedLabelOutput, [RecurrentOnnx.ScoreOutput, _g.FloatScalar("zero_score", 0f)]);
                _g.Output(RecurrentOnnx.ScoreOutput, DataType.Float, "ML.NET's Score: logit₁ − logit₀, [batch].", "batch");
                _g.Output(RecurrentOnnx.ProbabilityOutput, DataType.Float, "ML.NET's Probability: σ(score), [batch].", "batch");
                _g.Output(RecurrentOnnx.PredictedLabelOutput, DataType.Bool, "ML.NET's PredictedLabel: score > 0, [batch].", "batch");
                break;
            case RecurrentTask.MulticlassClassification:
                _g.Node("Softmax", RecurrentOnnx.ProbabilitiesOutput, [logits], Attribute("axis", -1L));
                _g.Node("ArgMax", RecurrentOnnx.PredictedClassOutput, [logits], Attribute("axis", 1L), Attribute("keepdims", 0L));
                _g.Output(RecurrentOnnx.ProbabilitiesOutput, DataType.Float, "ML.NET's Score: softmax of the logits, [batch, classes].", "batch", _o.OutputSize);
                _g.Output(RecurrentOnnx.PredictedClassOutput, DataType.Int64, "Index of the most probable class (0-based; the label value is metadata rnnml.label_names[index], ML.NET's PredictedLabel key is index + 1), [batch].", "batch");
                break;
            case RecurrentTask.Regression:
                _g.Node("Squeeze", RecurrentOnnx.ScoreOutput, [logits, _g.Int64Vector("axis_1_score", 1)]);
                _g.Output(RecurrentOnnx.ScoreOutput, DataType.Float, "ML.NET's Score: the regression output, [batch].", "batch");
                break;
            default:
                break;
        }
    }

    private static float[] Transposed(ReadOnlySpan<float> m, int rows, int columns)
    {
        var t = new float[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                t[j * rows + i] = m[i * columns + j];
        return t;
    }
}
