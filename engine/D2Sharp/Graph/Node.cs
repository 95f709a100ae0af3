using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>One op application. <see cref="Name"/> is the Detectron2 module path (<c>backbone.bottom_up.res2.0.conv1</c>).</summary>
public sealed class Node
{
    internal Node(int id, string name, Op op, Value[] inputs)
    {
        Id = id; Name = name; Op = op; Inputs = inputs;
    }

    public int Id { get; }
    public string Name { get; }
    public Op Op { get; }
    public IReadOnlyList<Value> Inputs { get; }
    public Value Output { get; internal set; } = null!;

    /// <summary>Full state_dict names of this node's parameters.</summary>
    public IEnumerable<ParameterSpec> Parameters =>
        Op.Parameters.Select(p => p with { Name = Name + "." + p.Name });

    public string ParameterName(string relative) => Name + "." + relative;

    public override string ToString() => $"{Name}: {Op.Kind}({string.Join(", ", Inputs)}) -> {Output}";
}
