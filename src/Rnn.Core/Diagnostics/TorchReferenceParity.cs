using System.Text.Json;
using Rnn.Core.Internals;
using Rnn.Core.Layers;

namespace Rnn.Core.Diagnostics;

/// <summary>The outcome of one reference case: the largest absolute error per compared quantity.</summary>
/// <param name="Id">The case id, e.g. <c>LSTM_L2_bi_h0</c>.</param>
/// <param name="MaxAbsError">Largest absolute difference over every compared value.</param>
/// <param name="Errors">Largest absolute difference per quantity (<c>out</c>, <c>h_n</c>, <c>grad weight_ih_l0</c>, ...).</param>
public sealed record ParityCaseResult(string Id, double MaxAbsError, IReadOnlyDictionary<string, double> Errors)
{
    /// <summary>The quantity with the largest error.</summary>
    public string WorstQuantity => Errors.MaxBy(e => e.Value).Key;
}

/// <summary>
/// Runs PyTorch-generated reference cases (format <c>torch-rnn-refs/1</c>, see shared/refs/README.md) through
/// <see cref="RecurrentLayer"/>: loads each case's parameters by their PyTorch names, runs forward and
/// backward with the case's loss weights, and measures the largest absolute error against PyTorch.
/// </summary>
public static class TorchReferenceParity
{
    /// <summary>Runs every case (full-length and packed) of the reference file.</summary>
    /// <param name="path">A JSON file in the <c>torch-rnn-refs/1</c> format.</param>
    /// <exception cref="InvalidDataException">The file is not in the expected format; the message names the case and field.</exception>
    public static IReadOnlyList<ParityCaseResult> Run(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        string format = root.TryGetProperty("format", out var f) ? f.GetString() ?? "" : "";
        if (format != "torch-rnn-refs/1")
            ThrowHelper.ThrowInvalidData($"{path}: format is '{format}', expected 'torch-rnn-refs/1'");
        var results = new List<ParityCaseResult>();
        foreach (string group in new[] { "cases", "packed_cases" })
        {
            if (!root.TryGetProperty(group, out var cases)) continue;
            foreach (var c in cases.EnumerateArray()) results.Add(RunCase(c, path));
        }
        return results;
    }

    /// <summary>Runs one case object of the reference format.</summary>
    public static ParityCaseResult RunCase(JsonElement c, string origin = "reference")
    {
        string id = c.GetProperty("id").GetString() ?? "?";
        string where = $"{origin}, case {id}";
        var cfg = Get(c, "config", where);
        string mode = Get(cfg, "mode", where).GetString() ?? "";
        var (cell, nonlinearity) = mode switch
        {
            "RNN_TANH" => (CellType.Rnn, Nonlinearity.Tanh),
            "RNN_RELU" => (CellType.Rnn, Nonlinearity.Relu),
            "LSTM" => (CellType.Lstm, Nonlinearity.Tanh),
            "GRU" => (CellType.Gru, Nonlinearity.Tanh),
            _ => throw new InvalidDataException($"{where}: unknown mode '{mode}'"),
        };
        int inputSize = Get(cfg, "input_size", where).GetInt32();
        int hidden = Get(cfg, "hidden_size", where).GetInt32();
        int layers = Get(cfg, "num_layers", where).GetInt32();
        bool bidirectional = Get(cfg, "bidirectional", where).GetBoolean();
        var layer = new RecurrentLayer(cell, inputSize, hidden, layers, bidirectional, nonlinearity: nonlinearity);

        var parameters = Get(c, "params", where);
        foreach (var (name, p) in layer.Parameters)
        {
            if (!parameters.TryGetProperty(name, out var value))
                throw new InvalidDataException($"{where}: parameter '{name}' is missing");
            p.Load(ReadTensor(value, $"{where}, params.{name}"), where);
        }

        var inputs = Get(c, "inputs", where);
        var x = ReadTensor(Get(inputs, "x", where), $"{where}, inputs.x");
        RecurrentState? state = null;
        if (inputs.TryGetProperty("h0", out var h0))
        {
            var c0 = inputs.TryGetProperty("c0", out var c0e) ? ReadTensor(c0e, $"{where}, inputs.c0") : null;
            state = new RecurrentState(ReadTensor(h0, $"{where}, inputs.h0"), c0);
        }
        int[]? lengths = c.TryGetProperty("lengths", out var le) ? le.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null;

        var outputs = Get(c, "outputs", where);
        var errors = new Dictionary<string, double>();
        var result = layer.Forward(x, state, lengths);
        errors["out"] = MaxAbsDiff(Get(outputs, "out", where), result.Output);
        errors["h_n"] = MaxAbsDiff(Get(outputs, "h_n", where), result.HN);
        if (result.CN is not null) errors["c_n"] = MaxAbsDiff(Get(outputs, "c_n", where), result.CN);

        var weights = Get(c, "loss_weights", where);
        var g = ReadTensor(Get(weights, "G", where), $"{where}, loss_weights.G");
        var gh = ReadTensor(Get(weights, "Gh", where), $"{where}, loss_weights.Gh");
        var gc = weights.TryGetProperty("Gc", out var gce) ? ReadTensor(gce, $"{where}, loss_weights.Gc") : null;
        var grads = layer.Backward(g, gh, gc);

        var expected = Get(c, "grads", where);
        errors["grad x"] = MaxAbsDiff(Get(expected, "x", where), grads.Input);
        if (state is not null)
        {
            errors["grad h0"] = MaxAbsDiff(Get(expected, "h0", where), grads.InitialH);
            if (grads.InitialC is not null) errors["grad c0"] = MaxAbsDiff(Get(expected, "c0", where), grads.InitialC);
        }
        foreach (var (name, p) in layer.Parameters)
            errors[$"grad {name}"] = MaxAbsDiff(Get(expected, name, where), p.Grad);

        return new ParityCaseResult(id, errors.Values.Max(), errors);
    }

    /// <summary>Reads a nested JSON list of numbers as a tensor with the nesting as its shape.</summary>
    public static Tensor ReadTensor(JsonElement element, string where)
    {
        var shape = new List<int>();
        var e = element;
        while (e.ValueKind == JsonValueKind.Array)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0) break;
            e = e[0];
        }
        var values = new List<float>();
        Flatten(element, 0, shape, values, where);
        return Tensor.From(values.ToArray(), shape.ToArray());
    }

    private static void Flatten(JsonElement e, int depth, List<int> shape, List<float> values, string where)
    {
        if (depth == shape.Count)
        {
            if (e.ValueKind != JsonValueKind.Number) throw new InvalidDataException($"{where}: expected a number at depth {depth}, found {e.ValueKind}");
            values.Add((float)e.GetDouble());
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
            throw new InvalidDataException($"{where}: ragged array at depth {depth} (expected {shape[depth]} entries)");
        foreach (var item in e.EnumerateArray()) Flatten(item, depth + 1, shape, values, where);
    }

    private static double MaxAbsDiff(JsonElement expected, Tensor actual)
    {
        var values = new List<double>();
        FlattenDouble(expected, values);
        if (values.Count != actual.Length)
            throw new InvalidDataException($"reference has {values.Count} values, the layer produced {actual.Length} (shape {actual.ShapeString})");
        var span = actual.Span;
        double max = 0;
        for (int i = 0; i < values.Count; i++) max = Math.Max(max, Math.Abs(values[i] - span[i]));
        return max;
    }

    private static void FlattenDouble(JsonElement e, List<double> values)
    {
        if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) FlattenDouble(item, values);
        else
            values.Add(e.GetDouble());
    }

    private static JsonElement Get(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) ? v : throw new InvalidDataException($"{where}: field '{name}' is missing");
}
