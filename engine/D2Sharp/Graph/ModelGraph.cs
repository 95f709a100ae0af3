using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>
/// Backend-neutral description of a network: its inputs, nodes in execution (topological) order,
/// the typed values between them, named outputs and the parameters every node needs. Builders
/// create it; plans and backends read it. Nodes may have several outputs of different types.
/// </summary>
public sealed class ModelGraph
{
    private readonly List<Value> _inputs = [];
    private readonly List<Node> _nodes = [];
    private readonly List<Value> _values = [];
    private readonly List<KeyValuePair<string, Value>> _outputs = [];
    private readonly HashSet<string> _nodeNames = [];
    private readonly HashSet<string> _valueNames = [];

    /// <summary>The graph inputs in declaration order (<see cref="AddInput"/>): the values a caller can feed.</summary>
    public IReadOnlyList<Value> Inputs => _inputs;
    /// <summary>Every node in execution (topological) order; <see cref="Node.Id"/> indexes this list.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;
    /// <summary>Every value (inputs and node outputs) in creation order; <see cref="Value.Id"/> indexes this list.</summary>
    public IReadOnlyList<Value> Values => _values;
    /// <summary>Named outputs in the order they were declared (<c>p2</c>…<c>p6</c>, then <c>anchors_p2</c>…).</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Outputs => _outputs;

    /// <summary>Every parameter once, by its state_dict name (a module applied to several inputs has one set).</summary>
    public IEnumerable<ParameterSpec> Parameters => _nodes.SelectMany(n => n.Parameters).DistinctBy(p => p.Name);

    /// <summary>Declares a graph input: a value the caller supplies for each run.</summary>
    public Value AddInput(string name, DataType type, ShapeSpec? feature = null)
    {
        var v = NewValue(name, type, feature, null, 0);
        _inputs.Add(v);
        return v;
    }

    /// <summary>
    /// Appends a node with one output, named after the node unless <paramref name="valueName"/> is
    /// given. <paramref name="feature"/> gives channels and stride when the output is a feature map.
    /// <paramref name="parameterNames"/> maps a parameter (by its name relative to the op) that
    /// does not live under <paramref name="module"/> to its full state_dict name.
    /// </summary>
    public Value Add(string name, Op op, IReadOnlyList<Value> inputs, ShapeSpec? feature = null, string? valueName = null, string? module = null,
        IReadOnlyDictionary<string, string>? parameterNames = null)
    {
        if (op.OutputNames.Count != 1)
            throw new ArgumentException($"{op.Kind} '{name}' has {op.OutputNames.Count} outputs; use AddWithOutputs");
        return AddWithOutputs(name, op, inputs, [valueName ?? name], feature, module, parameterNames)[0];
    }

    /// <summary>
    /// Appends a node and returns its outputs, named by <paramref name="valueNames"/> in the op's
    /// output order. <paramref name="feature"/>, when given, applies to the first output.
    /// </summary>
    public IReadOnlyList<Value> AddWithOutputs(string name, Op op, IReadOnlyList<Value> inputs, IReadOnlyList<string> valueNames,
        ShapeSpec? feature = null, string? module = null, IReadOnlyDictionary<string, string>? parameterNames = null)
    {
        if (inputs.Count != op.Arity)
            throw new ArgumentException($"{op.Kind} '{name}' takes {op.Arity} inputs, got {inputs.Count}");
        if (valueNames.Count != op.OutputNames.Count)
            throw new ArgumentException($"{op.Kind} '{name}' has {op.OutputNames.Count} outputs, {valueNames.Count} names were given");
        for (int i = 0; i < inputs.Count; i++)
        {
            var v = inputs[i];
            if (v.Id >= _values.Count || _values[v.Id] != v)
                throw new ArgumentException($"input '{v.Name}' of '{name}' does not belong to this graph");
            if (v.Type != op.InputType(i))
                throw new ArgumentException($"{op.Kind} '{name}' input {i} must be {op.InputType(i).Name()}, '{v.Name}' is {v.Type.Name()}");
        }
        if ((feature != null) != op.ProducesFeatureMap)
            throw new ArgumentException($"{op.Kind} '{name}': its first output {(op.ProducesFeatureMap ? "is a feature map and needs" : "is not a feature map and takes no")} channels and stride");
        if (!_nodeNames.Add(name)) throw new ArgumentException($"duplicate node name '{name}'");
        if (parameterNames?.Keys.FirstOrDefault(p => op.Parameters.All(spec => spec.Name != p)) is { } unknown)
            throw new ArgumentException($"{op.Kind} '{name}' has no parameter '{unknown}' to rename");
        var node = new Node(_nodes.Count, name, module ?? name, op, inputs.ToArray(), parameterNames);
        _nodes.Add(node);
        var outputs = new Value[valueNames.Count];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = NewValue(valueNames[i], op.OutputType(i), i == 0 ? feature : null, node, i);
        for (int i = 0; i < outputs.Length; i++)
            if (op.CountOutputOf(i) is int count and >= 0) outputs[i].ValidCount = outputs[count];
            else if (op.CountInputOf(i) is int counted and >= 0) outputs[i].ValidCount = inputs[counted];
        if (op.SlotCountInput >= 0)
            outputs[0].SlotCount = inputs[op.SlotCountInput];
        else if (op.IsRowWise && inputs[0].SlotCount is { } slots && inputs.All(v => v.SlotCount == slots))
            outputs[0].SlotCount = slots;
        node.Outputs = outputs;
        return outputs;
    }

    /// <summary>Declares <paramref name="value"/> a graph output named <paramref name="name"/>; a value may be marked under several names.</summary>
    /// <exception cref="ArgumentException">An output named <paramref name="name"/> already exists.</exception>
    public void MarkOutput(string name, Value value)
    {
        if (_outputs.Any(o => o.Key == name)) throw new ArgumentException($"duplicate output name '{name}'");
        _outputs.Add(new(name, value));
    }

    /// <summary>The value of the output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output has that name; the message lists the outputs.</exception>
    public Value Output(string name) =>
        _outputs.FirstOrDefault(o => o.Key == name).Value
        ?? throw new KeyNotFoundException($"graph has no output '{name}'; outputs: {string.Join(", ", _outputs.Select(o => o.Key))}");

    private Value NewValue(string name, DataType type, ShapeSpec? feature, Node? producer, int outputIndex)
    {
        if (!_valueNames.Add(name)) throw new ArgumentException($"duplicate value name '{name}'");
        var v = new Value(_values.Count, name, type, feature, producer, outputIndex);
        _values.Add(v);
        return v;
    }
}
