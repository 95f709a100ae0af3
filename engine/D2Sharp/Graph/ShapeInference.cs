using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>Concrete shapes of every value for one input size, found by running each op's shape rule in order.</summary>
public static class ShapeInference
{
    /// <summary>Shapes indexed by <see cref="Value.Id"/>; the input is [N, C, H, W] (logical NCHW).</summary>
    public static int[][] Infer(ModelGraph graph, int batch, int height, int width)
    {
        if (batch <= 0 || height <= 0 || width <= 0)
            throw new ShapeException($"input size N={batch} H={height} W={width} must be positive");
        var shapes = new int[graph.Values.Count][];
        shapes[graph.Input.Id] = [batch, graph.Input.Spec.Channels, height, width];
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(v => shapes[v.Id]).ToArray();
            try
            {
                shapes[node.Output.Id] = node.Op.InferShape(inputs);
            }
            catch (ShapeException e)
            {
                throw new ShapeException($"node '{node.Name}' ({node.Op.Kind}) at input {batch}x{height}x{width}: {e.Message}");
            }
        }
        return shapes;
    }

    /// <summary>MACs per node (same order as <see cref="ModelGraph.Nodes"/>) at these shapes.</summary>
    public static long[] Macs(ModelGraph graph, int[][] shapes) =>
        graph.Nodes.Select(n => n.Op.Macs(n.Inputs.Select(v => shapes[v.Id]).ToArray(), shapes[n.Output.Id])).ToArray();
}
