namespace D2Sharp.Graph;

/// <summary>Channels and stride of a feature map, as Detectron2's <c>ShapeSpec</c>.</summary>
public readonly record struct ShapeSpec(int Channels, int Stride)
{
    /// <summary><c>C=256 stride=4</c>.</summary>
    public override string ToString() => $"C={Channels} stride={Stride}";
}
