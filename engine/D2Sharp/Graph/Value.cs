namespace D2Sharp.Graph;

/// <summary>
/// A tensor flowing through the graph. Its concrete shape depends on the input size and is found by
/// <see cref="ShapeInference"/>; the graph itself only knows channels and stride.
/// </summary>
public sealed class Value
{
    internal Value(int id, string name, ShapeSpec spec, Node? producer)
    {
        Id = id; Name = name; Spec = spec; Producer = producer;
    }

    public int Id { get; }
    public string Name { get; }
    public ShapeSpec Spec { get; }
    /// <summary>The node that writes this value; null for a graph input.</summary>
    public Node? Producer { get; internal set; }

    public override string ToString() => Name;
}
