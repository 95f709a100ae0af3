using System.Runtime.InteropServices;
using D2Sharp.Onnx.Proto;
using Google.Protobuf;

namespace D2Sharp.Onnx;

/// <summary>Appends nodes, initializers and typed inputs/outputs to an ONNX graph.</summary>
internal sealed class OnnxGraphWriter(GraphProto graph)
{
    private readonly HashSet<string> _initializers = [];
    private int _nodes;

    public void Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    /// <summary>Adds a float32 initializer once; later calls with the same name reuse it (a module shared by several nodes).</summary>
    public string Floats(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        if (_initializers.Add(name))
            graph.Initializer.Add(Tensor(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(data), dims));
        return name;
    }

    public string Int64s(string name, ReadOnlySpan<long> data)
    {
        if (_initializers.Add(name))
            graph.Initializer.Add(Tensor(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(data), data.Length));
        return name;
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public void Input(string name, DataType type, int[] shape) => graph.Input.Add(Info(name, type, shape));

    public void Output(string name, DataType type, int[] shape) => graph.Output.Add(Info(name, type, shape));

    private static ValueInfoProto Info(string name, DataType type, int[] shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)ElementType(type), Shape = new TensorShapeProto() };
        foreach (int d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static TensorProto.Types.DataType ElementType(DataType type) => type switch
    {
        DataType.Float32 => TensorProto.Types.DataType.Float,
        DataType.Float16 => TensorProto.Types.DataType.Float16,
        DataType.Int32 => TensorProto.Types.DataType.Int32,
        DataType.Int64 => TensorProto.Types.DataType.Int64,
        DataType.UInt8 => TensorProto.Types.DataType.Uint8,
        _ => TensorProto.Types.DataType.Bool,
    };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
