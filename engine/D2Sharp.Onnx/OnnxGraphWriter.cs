using System.Runtime.InteropServices;
using D2Sharp.Onnx.Proto;
using Google.Protobuf;

namespace D2Sharp.Onnx;

/// <summary>Appends nodes, initializers and typed inputs/outputs to an ONNX graph.</summary>
internal sealed class OnnxGraphWriter(GraphProto graph)
{
    private readonly Dictionary<string, TensorProto> _initializers = [];
    private int _nodes;

    public void Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    /// <summary>Adds a float32 initializer; see <see cref="Initializer"/> for names already taken.</summary>
    public string Floats(string name, ReadOnlySpan<float> data, params long[] dims) =>
        Initializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(data), dims);

    public string Int64s(string name, ReadOnlySpan<long> data) =>
        Initializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(data), data.Length);

    /// <summary>
    /// Adds an initializer and returns its name. A later call with the same name and the same
    /// values reuses it (a module shared by several nodes); other values under a taken name get
    /// the name with a suffix (a conv shared by every level into which each level's own
    /// BatchNorm is folded: RetinaNet's head with <c>NORM: BN</c>).
    /// </summary>
    private string Initializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, params long[] dims)
    {
        for (int k = 1; ; k++)
        {
            string candidate = k == 1 ? name : $"{name}.{k}";
            if (_initializers.TryGetValue(candidate, out var taken))
            {
                if (taken.DataType == (int)type && taken.Dims.SequenceEqual(dims) && taken.RawData.Span.SequenceEqual(bytes)) return candidate;
                continue;
            }
            var tensor = Tensor(candidate, type, bytes, dims);
            _initializers[candidate] = tensor;
            graph.Initializer.Add(tensor);
            return candidate;
        }
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
