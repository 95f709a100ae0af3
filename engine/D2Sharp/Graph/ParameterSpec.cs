namespace D2Sharp.Graph;

/// <summary>A named parameter of the graph, named exactly as Detectron2's <c>state_dict</c> names it.</summary>
public sealed record ParameterSpec(string Name, int[] Shape)
{
    /// <summary>The name and shape, e.g. <c>backbone.res2.0.conv1.weight [64, 64, 1, 1]</c>.</summary>
    public override string ToString() => $"{Name} {Tensor.ShapeString(Shape)}";
}
