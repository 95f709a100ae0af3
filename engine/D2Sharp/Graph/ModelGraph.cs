using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>
/// Backend-neutral description of a network: nodes in execution (topological) order, the values
/// between them, named outputs and the parameters every node needs. Builders create it; passes and
/// backends read it. Shapes are logical NCHW; the layout in memory is each backend's choice.
/// </summary>
public sealed class ModelGraph
{
    private readonly List<Node> _nodes = [];
    private readonly List<Value> _values = [];
    private readonly List<KeyValuePair<string, Value>> _outputs = [];
    private readonly HashSet<string> _nodeNames = [];

    public ModelGraph(string inputName = "image", int inputChannels = 3)
    {
        Input = NewValue(inputName, new ShapeSpec(inputChannels, 1), null);
    }

    public Value Input { get; }
    public IReadOnlyList<Node> Nodes => _nodes;
    public IReadOnlyList<Value> Values => _values;
    /// <summary>Named outputs in the order they were declared (<c>p2</c>…<c>p6</c>, then <c>anchors_p2</c>…).</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Outputs => _outputs;

    public IEnumerable<ParameterSpec> Parameters => _nodes.SelectMany(n => n.Parameters);

    /// <summary>Appends a node; its output value takes the node's name unless <paramref name="valueName"/> is given.</summary>
    public Value Add(string name, Op op, IReadOnlyList<Value> inputs, ShapeSpec spec, string? valueName = null)
    {
        if (inputs.Count != op.Arity)
            throw new ArgumentException($"{op.Kind} '{name}' takes {op.Arity} inputs, got {inputs.Count}");
        foreach (var v in inputs)
            if (v.Id >= _values.Count || _values[v.Id] != v)
                throw new ArgumentException($"input '{v.Name}' of '{name}' does not belong to this graph");
        if (!_nodeNames.Add(name)) throw new ArgumentException($"duplicate node name '{name}'");
        var node = new Node(_nodes.Count, name, op, inputs.ToArray());
        _nodes.Add(node);
        var value = NewValue(valueName ?? name, spec, node);
        node.Output = value;
        return value;
    }

    public void MarkOutput(string name, Value value)
    {
        if (_outputs.Any(o => o.Key == name)) throw new ArgumentException($"duplicate output name '{name}'");
        _outputs.Add(new(name, value));
    }

    public Value Output(string name) =>
        _outputs.FirstOrDefault(o => o.Key == name).Value
        ?? throw new KeyNotFoundException($"graph has no output '{name}'; outputs: {string.Join(", ", _outputs.Select(o => o.Key))}");

    private Value NewValue(string name, ShapeSpec spec, Node? producer)
    {
        var v = new Value(_values.Count, name, spec, producer);
        _values.Add(v);
        return v;
    }
}
