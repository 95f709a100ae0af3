using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>
/// A graph cut to one set of inputs at one size: which values the caller feeds (the uint8 pixels,
/// or the already-normalised image, or any inner value a test wants to drive), the nodes a run
/// executes to produce the graph's outputs (<see cref="Steps"/>, in order), the nodes whose outputs
/// depend on shapes alone (<see cref="ShapeOnlyNodes"/>, computed once per plan), concrete shapes,
/// MACs and the lifetime of every value. Backends lay out their memory from it; it holds no memory.
/// </summary>
public sealed class ExecutionPlan
{
    private readonly int[]?[] _shapes;
    private readonly long[] _macs;
    private readonly int[] _first, _last;
    private readonly bool[] _constant;

    private ExecutionPlan(ModelGraph graph, IReadOnlyList<Value> inputs, IReadOnlyList<KeyValuePair<string, Value>> outputs,
        IReadOnlyList<Node> steps, IReadOnlyList<Node> shapeOnly, int[]?[] shapes, long[] macs, int[] first, int[] last)
    {
        Graph = graph; Inputs = inputs; Outputs = outputs; Steps = steps; ShapeOnlyNodes = shapeOnly;
        _shapes = shapes; _macs = macs; _first = first; _last = last;
        _constant = new bool[graph.Values.Count];
        foreach (var v in shapeOnly.SelectMany(n => n.Outputs)) _constant[v.Id] = true;
    }

    /// <summary>The graph the plan was cut from; node and value ids index into it.</summary>
    public ModelGraph Graph { get; }
    /// <summary>The values the caller writes before each run, in the order they were fed.</summary>
    public IReadOnlyList<Value> Inputs { get; }
    /// <summary>The named outputs a run produces: the graph's, or the subset the plan was made for, in graph order.</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Outputs { get; }
    /// <summary>Nodes a run executes, in order; a value's lifetime is counted in these steps.</summary>
    public IReadOnlyList<Node> Steps { get; }
    /// <summary>Nodes whose outputs depend on input shapes alone: run once when a backend prepares the plan.</summary>
    public IReadOnlyList<Node> ShapeOnlyNodes { get; }

    /// <summary>Whether the plan computes or is fed <paramref name="v"/>: false for values of nodes the plan leaves out.</summary>
    public bool Contains(Value v) => _shapes[v.Id] != null;

    /// <summary>Logical shape of a value (NCHW for feature maps).</summary>
    public int[] ShapeOf(Value v) =>
        _shapes[v.Id] ?? throw new ArgumentException($"value '{v.Name}' is not part of this plan");

    /// <summary>Number of elements of a value at this plan's shapes; throws <see cref="ArgumentException"/> when the value is not part of the plan.</summary>
    public long ElementsOf(Value v) => Tensor.CountElements(ShapeOf(v));

    /// <summary>Multiply-accumulates of one run of <paramref name="node"/> at this plan's shapes (<see cref="Op.Macs"/>); 0 for nodes the plan does not run.</summary>
    public long MacsOf(Node node) => _macs[node.Id];
    /// <summary>Multiply-accumulates of one run of the whole plan: the sum of <see cref="MacsOf"/> over its nodes.</summary>
    public long TotalMacs => _macs.Sum();

    /// <summary>True for values computed once per plan (outputs of <see cref="ShapeOnlyNodes"/>).</summary>
    public bool IsPlanConstant(Value v) => _constant[v.Id];

    /// <summary>
    /// The steps during which a runtime value must stay intact: from the step that writes it to
    /// the last step that reads it. Inputs and graph outputs span the whole run (0 to
    /// <see cref="Steps"/>.Count): an input stays as the caller wrote it until the next write, so
    /// a plan can be run again on it.
    /// </summary>
    public (int First, int Last) LifetimeOf(Value v)
    {
        if (!Contains(v) || IsPlanConstant(v)) throw new ArgumentException($"value '{v.Name}' has no runtime lifetime in this plan");
        return (_first[v.Id], _last[v.Id]);
    }

    /// <summary>Position of the fed value named <paramref name="name"/> in <see cref="Inputs"/>.</summary>
    /// <exception cref="KeyNotFoundException">No input has that name; the message lists the inputs.</exception>
    public int InputIndex(string name)
    {
        for (int i = 0; i < Inputs.Count; i++)
            if (Inputs[i].Name == name) return i;
        throw new KeyNotFoundException($"the plan has no input '{name}'; inputs: {string.Join(", ", Inputs.Select(v => v.Name))}");
    }

    /// <summary>Position of the output named <paramref name="name"/> in <see cref="Outputs"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output has that name; the message lists the outputs.</exception>
    public int OutputIndex(string name)
    {
        for (int i = 0; i < Outputs.Count; i++)
            if (Outputs[i].Key == name) return i;
        throw new KeyNotFoundException($"the plan has no output '{name}'; outputs: {string.Join(", ", Outputs.Select(o => o.Key))}");
    }

    /// <summary>
    /// Plans a run that feeds <paramref name="feeds"/> (values and their shapes) and produces the
    /// graph outputs named in <paramref name="outputs"/> (every one when null). Nodes upstream of
    /// the fed values, and nodes no chosen output needs, are left out; a value the outputs need that
    /// is neither fed nor computable is an error naming it.
    /// </summary>
    public static ExecutionPlan Create(ModelGraph graph, IReadOnlyList<(Value Value, int[] Shape)> feeds,
        IReadOnlyCollection<string>? outputs = null)
    {
        if (graph.Outputs.Count == 0) throw new ArgumentException("the graph has no outputs to compute");
        return Create(graph, feeds, SelectOutputs(graph, outputs));
    }

    /// <summary>
    /// Plans a run that produces any values of the graph, graph outputs or not, each named by its
    /// value name: how a backend that runs a graph in parts (<see cref="Backends.Hybrid.HybridBackend"/>)
    /// hands one part's results to the next.
    /// </summary>
    public static ExecutionPlan Create(ModelGraph graph, IReadOnlyList<(Value Value, int[] Shape)> feeds, IReadOnlyList<Value> outputs) =>
        Create(graph, feeds, outputs, null);

    /// <summary>
    /// As <see cref="Create(ModelGraph, IReadOnlyList{ValueTuple{Value, int[]}}, IReadOnlyList{Value})"/>, the steps
    /// ordered by <paramref name="rank"/> (ties in graph order), which must keep every node after
    /// the nodes it reads from: how a backend's share of a split plan runs its segments one range
    /// of steps at a time.
    /// </summary>
    internal static ExecutionPlan Create(ModelGraph graph, IReadOnlyList<(Value Value, int[] Shape)> feeds, IReadOnlyList<Value> outputs,
        Func<Node, int>? rank)
    {
        if (outputs.Count == 0) throw new ArgumentException("a plan needs at least one output");
        return Create(graph, feeds, outputs.Select(v => new KeyValuePair<string, Value>(v.Name, v)).ToList(), rank);
    }

    private static ExecutionPlan Create(ModelGraph graph, IReadOnlyList<(Value Value, int[] Shape)> feeds,
        IReadOnlyList<KeyValuePair<string, Value>> chosen, Func<Node, int>? rank = null)
    {
        if (feeds.Count == 0) throw new ArgumentException("a plan needs at least one fed value");
        var fed = new HashSet<Value>();
        foreach (var (v, shape) in feeds)
        {
            if (!fed.Add(v)) throw new ArgumentException($"value '{v.Name}' is fed twice");
            if (shape.Length == 0 || shape.Any(d => d <= 0))
                throw new ShapeException($"fed value '{v.Name}' needs positive dimensions, got {Tensor.ShapeString(shape)}");
        }

        // Nodes whose output shapes the outputs need, and the subset a run executes: shape-only
        // nodes run once per plan, so they make nothing upstream of them run.
        var forShape = Reach(chosen, fed, throughShapeOnly: true);
        var toRun = Reach(chosen, fed, throughShapeOnly: false);

        var shapes = new int[]?[graph.Values.Count];
        foreach (var (v, shape) in feeds) shapes[v.Id] = (int[])shape.Clone();
        var macs = new long[graph.Nodes.Count];
        foreach (var node in graph.Nodes.Where(n => forShape.Contains(n)))
        {
            var inputs = node.Inputs.Select(v => shapes[v.Id]!).ToArray();
            int[][] produced;
            try
            {
                produced = node.Op.InferShapes(inputs);
            }
            catch (ShapeException e)
            {
                throw new ShapeException($"node '{node.Name}' ({node.Op.Kind}) with inputs {string.Join(", ", inputs.Select(Tensor.ShapeString))}: {e.Message}");
            }
            for (int i = 0; i < produced.Length; i++) shapes[node.Outputs[i].Id] = produced[i];
            if (toRun.Contains(node)) macs[node.Id] = node.Op.Macs(inputs, produced);
        }

        var steps = graph.Nodes.Where(n => toRun.Contains(n)).ToList();
        if (rank != null)
        {
            steps = steps.OrderBy(rank).ToList();  // stable: graph order within a rank
            var done = new HashSet<Value>();
            foreach (var node in steps)
            {
                if (node.Reads.FirstOrDefault(v => v.Producer is { } p && toRun.Contains(p) && !done.Contains(v)) is { } early)
                    throw new ArgumentException($"node '{node.Name}' is ordered before '{early.Producer!.Name}', whose '{early.Name}' it reads");
                foreach (var v in node.Outputs) done.Add(v);
            }
        }
        if (steps.SelectMany(n => n.Outputs).FirstOrDefault(fed.Contains) is { } overwritten)
            throw new ArgumentException($"value '{overwritten.Name}' is fed, but its node '{overwritten.Producer!.Name}' must run for another output");
        var shapeOnly = graph.Nodes.Where(n => forShape.Contains(n) && n.Op.DependsOnShapesOnly).ToList();
        var first = new int[graph.Values.Count];
        var last = new int[graph.Values.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            foreach (var v in steps[s].Outputs) first[v.Id] = last[v.Id] = s;
            foreach (var v in steps[s].Reads) last[v.Id] = Math.Max(last[v.Id], s);
        }
        foreach (var v in chosen.Select(o => o.Value).Concat(fed)) last[v.Id] = steps.Count;
        return new ExecutionPlan(graph, feeds.Select(f => f.Value).ToList(), chosen, steps, shapeOnly, shapes, macs, first, last);
    }

    private static IReadOnlyList<KeyValuePair<string, Value>> SelectOutputs(ModelGraph graph, IReadOnlyCollection<string>? names)
    {
        if (names == null) return graph.Outputs;
        if (names.Count == 0) throw new ArgumentException("a plan needs at least one output");
        var known = graph.Outputs.Select(o => o.Key).ToHashSet();
        if (names.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            throw new KeyNotFoundException($"the graph has no output '{unknown}'; outputs: {string.Join(", ", known)}");
        var wanted = names.ToHashSet();
        return graph.Outputs.Where(o => wanted.Contains(o.Key)).ToList();
    }

    /// <summary>Nodes needed to produce <paramref name="outputs"/> from the fed values, walking back from them.</summary>
    private static HashSet<Node> Reach(IReadOnlyList<KeyValuePair<string, Value>> outputs, HashSet<Value> fed, bool throughShapeOnly)
    {
        var needed = new HashSet<Node>();
        var pending = new Stack<Value>(outputs.Select(o => o.Value));
        var seen = new HashSet<Value>();
        while (pending.Count > 0)
        {
            var v = pending.Pop();
            if (!seen.Add(v) || fed.Contains(v)) continue;
            var node = v.Producer ?? throw new ArgumentException(
                $"graph input '{v.Name}' is needed to compute the outputs but is not fed; fed: {string.Join(", ", fed.Select(f => f.Name))}");
            if (node.Op.DependsOnShapesOnly && !throughShapeOnly) continue;
            if (!needed.Add(node)) continue;
            foreach (var input in node.Reads) pending.Push(input);
        }
        return needed;
    }
}
