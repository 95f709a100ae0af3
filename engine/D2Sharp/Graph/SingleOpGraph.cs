using D2Sharp.Ops;

namespace D2Sharp.Graph;

/// <summary>
/// A graph of one node: inputs <c>x0</c>, <c>x1</c>… (rank-4 float32 inputs are feature maps), the
/// node <c>op</c> (parameters <c>op.weight</c>…), outputs <c>y0</c>, <c>y1</c>…. How the op tests,
/// the backend-op harness and the kernel benchmarks drive one op through any backend.
/// </summary>
public static class SingleOpGraph
{
    /// <summary>The one-node graph for <paramref name="op"/> and its plan at these input shapes, every output marked.</summary>
    /// <param name="op">The op to run.</param>
    /// <param name="inputs">Data type and shape of each input, in the op's input order.</param>
    /// <exception cref="ShapeException">The shapes do not fit the op.</exception>
    /// <exception cref="ArgumentException">The number or types of the inputs do not fit the op.</exception>
    public static (ModelGraph Graph, ExecutionPlan Plan) Create(Op op, IReadOnlyList<(DataType Type, int[] Shape)> inputs)
    {
        var graph = new ModelGraph();
        var fed = inputs.Select((t, i) => graph.AddInput($"x{i}", t.Type,
            t.Shape.Length == 4 && t.Type == DataType.Float32 ? new ShapeSpec(t.Shape[1], 1) : null)).ToArray();
        var names = op.OutputNames.Select((_, i) => $"y{i}").ToArray();
        ShapeSpec? feature = op.ProducesFeatureMap ? new ShapeSpec(OutputChannels(op, inputs), 1) : null;
        var outputs = graph.AddWithOutputs("op", op, fed, names, feature);
        for (int i = 0; i < outputs.Count; i++) graph.MarkOutput(names[i], outputs[i]);
        return (graph, ExecutionPlan.Create(graph, fed.Select((v, i) => (v, inputs[i].Shape)).ToList()));
    }

    /// <summary>The first output's channels; 0 when the shapes do not fit, which the plan then reports naming the node.</summary>
    private static int OutputChannels(Op op, IReadOnlyList<(DataType Type, int[] Shape)> inputs)
    {
        try
        {
            return op.InferShapes(inputs.Select(t => t.Shape).ToArray())[0][1];
        }
        catch (ShapeException)
        {
            return 0;
        }
    }
}
