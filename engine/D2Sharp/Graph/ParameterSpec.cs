namespace D2Sharp.Graph;

/// <summary>A named parameter of the graph, named exactly as Detectron2's <c>state_dict</c> names it.</summary>
public sealed record ParameterSpec(string Name, int[] Shape)
{
    public override string ToString() => $"{Name} {Tensor.ShapeString(Shape)}";
}
