using System.Runtime.InteropServices;
using Google.Protobuf;
using Rnn.Onnx.Protobuf;
using DataType = Rnn.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Rnn.Onnx.Export;

/// <summary>A dimension of a graph input or output: a fixed size, or a named symbolic size (same name, same size).</summary>
internal readonly record struct OnnxDim(long Size, string? Name)
{
    public static implicit operator OnnxDim(long size) => new(size, null);

    public static implicit operator OnnxDim(string name) => new(0, name);
}

/// <summary>
/// Builds one ONNX graph: typed inputs and outputs, constant tensors (initializers) and nodes, each value named once.
/// Nodes must be added in topological order (every input already defined), as ONNX requires.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodes;

    public OnnxGraphBuilder(string name, string doc) => _graph = new GraphProto { Name = name, DocString = doc };

    /// <summary>Declares a graph input.</summary>
    public string Input(string name, DataType type, string doc, params OnnxDim[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, doc, dims));
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="name"/> must be a node output already added.</summary>
    public void Output(string name, DataType type, string doc, params OnnxDim[] dims)
    {
        if (!_names.Contains(name)) throw new InvalidOperationException($"Graph output '{name}' is not produced by any node.");
        _graph.Output.Add(ValueInfo(name, type, doc, dims));
    }

    /// <summary>A float32 constant of shape <paramref name="dims"/> (raw little-endian data).</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = Tensor(name, DataType.Float, dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An int64 constant of shape <paramref name="dims"/>.</summary>
    public string Int64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = Tensor(name, DataType.Int64, dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A 1-D int64 constant (axes, shapes, slice bounds).</summary>
    public string Int64Vector(string name, params long[] values) => Int64s(name, values, values.Length);

    /// <summary>A scalar (rank 0) int64 constant.</summary>
    public string Int64Scalar(string name, long value) => Int64s(name, [value]);

    /// <summary>A scalar (rank 0) float32 constant.</summary>
    public string FloatScalar(string name, float value) => Floats(name, [value]);

    /// <summary>Adds a node with one output named <paramref name="output"/>; returns that name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes) =>
        Node(opType, [output], inputs, attributes)[0];

    /// <summary>
    /// Adds a node. An empty string in <paramref name="inputs"/> or <paramref name="outputs"/> is an omitted optional
    /// value, as ONNX writes it.
    /// </summary>
    public string[] Node(string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        foreach (string input in inputs)
            if (input.Length > 0 && !_names.Contains(input))
                throw new InvalidOperationException($"{opType} reads '{input}', which no earlier node, input or initializer defines.");
        foreach (string output in outputs)
            if (output.Length > 0) Claim(output);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>The graph, wrapped in a model of the given IR version and default-domain opset.</summary>
    public ModelProto ToModel(long irVersion, long opset, string producerVersion, string doc, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "RnnMl",
            ProducerVersion = producerVersion,
            Domain = "rnnml",
            ModelVersion = 1,
            DocString = doc,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    private TensorProto Tensor(string name, DataType type, long[] dims)
    {
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("A graph value needs a name.", nameof(name));
        if (!_names.Add(name)) throw new InvalidOperationException($"The graph already defines a value named '{name}'.");
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, string doc, OnnxDim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim.Name is null ? new TensorShapeProto.Types.Dimension { DimValue = dim.Size } : new TensorShapeProto.Types.Dimension { DimParam = dim.Name });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
