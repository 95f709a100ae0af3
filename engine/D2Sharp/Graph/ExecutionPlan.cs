using D2Sharp.Memory;

namespace D2Sharp.Graph;

/// <summary>
/// A graph fixed to one input size: concrete shapes, MACs, and an arena slot for every value.
/// The input lives from the start, outputs to the end, intermediates from the node that writes them
/// to the last node that reads them. Backends bind their kernels to this plan once and reuse it.
/// </summary>
public sealed class ExecutionPlan
{
    private ExecutionPlan(ModelGraph graph, int[][] shapes, long[] macs, MemoryPlan memory)
    {
        Graph = graph; Shapes = shapes; Macs = macs; Memory = memory;
    }

    public ModelGraph Graph { get; }
    /// <summary>Logical shape of each value, by <see cref="Value.Id"/>.</summary>
    public int[][] Shapes { get; }
    /// <summary>MACs of each node, by <see cref="Node.Id"/>.</summary>
    public long[] Macs { get; }
    public MemoryPlan Memory { get; }

    public int Batch => Shapes[Graph.Input.Id][0];
    public int Height => Shapes[Graph.Input.Id][2];
    public int Width => Shapes[Graph.Input.Id][3];

    public int[] ShapeOf(Value v) => Shapes[v.Id];
    public long OffsetOf(Value v) => Memory.Offsets[v.Id];
    public long SizeOf(Value v) => Tensor.CountElements(Shapes[v.Id]);

    public static ExecutionPlan Create(ModelGraph graph, int batch, int height, int width)
    {
        var shapes = ShapeInference.Infer(graph, batch, height, width);
        var macs = ShapeInference.Macs(graph, shapes);
        int end = graph.Nodes.Count;
        var lastUse = new int[graph.Values.Count];
        var firstUse = new int[graph.Values.Count];
        foreach (var v in graph.Values)
        {
            firstUse[v.Id] = v.Producer?.Id ?? -1;
            lastUse[v.Id] = firstUse[v.Id];
        }
        foreach (var node in graph.Nodes)
            foreach (var v in node.Inputs)
                lastUse[v.Id] = Math.Max(lastUse[v.Id], node.Id);
        foreach (var (_, v) in graph.Outputs) lastUse[v.Id] = end;

        // Every value gets a slot, also one nobody reads: its producer still writes it.
        var requests = graph.Values
            .Select(v => new BufferRequest(v.Id, Tensor.CountElements(shapes[v.Id]), firstUse[v.Id], lastUse[v.Id]))
            .ToList();
        return new ExecutionPlan(graph, shapes, macs, MemoryPlanner.Plan(requests));
    }
}
