using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>
/// One op application. <see cref="Name"/> is unique in the graph; <see cref="Module"/> is the
/// Detectron2 module path its parameters live under (<c>backbone.bottom_up.res2.0.conv1</c>). They
/// are the same except where Detectron2 applies one module to several inputs, as the RPN head
/// does to every FPN level (<c>proposal_generator.rpn_head.conv@p3</c> uses
/// <c>proposal_generator.rpn_head.conv.weight</c>). A parameter may live outside the module
/// (<see cref="ParameterName"/>): RetinaNet's head keeps the norm it folds into a conv in the next
/// module of an <c>nn.Sequential</c>.
/// </summary>
public sealed class Node
{
    private readonly IReadOnlyDictionary<string, string>? _parameterNames;

    internal Node(int id, string name, string module, Op op, Value[] inputs, IReadOnlyDictionary<string, string>? parameterNames)
    {
        Id = id; Name = name; Module = module; Op = op; Inputs = inputs; _parameterNames = parameterNames;
    }

    /// <summary>Position in <see cref="ModelGraph.Nodes"/>, also the execution order.</summary>
    public int Id { get; }
    /// <summary>Name unique in the graph (<c>backbone.fpn_lateral2</c>, <c>proposal_generator.rpn_head.conv@p3</c>).</summary>
    public string Name { get; }
    /// <summary>Detectron2 module path the node's parameters live under (see the class remarks).</summary>
    public string Module { get; }
    /// <summary>The op spec: attributes, shapes, types and parameters.</summary>
    public Op Op { get; }
    /// <summary>Values the node reads, in the op's input order.</summary>
    public IReadOnlyList<Value> Inputs { get; }
    /// <summary>Values the node writes, in the op's <see cref="Op.OutputNames"/> order.</summary>
    public IReadOnlyList<Value> Outputs { get; internal set; } = [];

    /// <summary>The first (for most ops the only) output.</summary>
    public Value Output => Outputs[0];

    /// <summary>
    /// For a row-wise node on the ROI heads' slots: the count of slots in use, which a host backend
    /// reads to run the node on those rows only; null otherwise.
    /// </summary>
    public Value? SlotCount => Op.IsRowWise ? Output.SlotCount : null;

    /// <summary>Every value the node reads when it runs: its inputs, and its <see cref="SlotCount"/>.</summary>
    public IEnumerable<Value> Reads => SlotCount is { } count ? Inputs.Append(count) : Inputs;

    /// <summary>Full state_dict names of this node's parameters.</summary>
    public IEnumerable<ParameterSpec> Parameters =>
        Op.Parameters.Select(p => p with { Name = ParameterName(p.Name) });

    /// <summary>The full state_dict name of a parameter: <c>&lt;Module&gt;.&lt;relative&gt;</c>, unless the node was given another.</summary>
    public string ParameterName(string relative) =>
        _parameterNames != null && _parameterNames.TryGetValue(relative, out var name) ? name : Module + "." + relative;

    /// <summary><c>name: Kind(inputs) -> outputs</c>, for debugging.</summary>
    public override string ToString() => $"{Name}: {Op.Kind}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}
