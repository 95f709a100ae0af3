namespace D2Sharp.Graph;

/// <summary>Channels and stride of a feature map, as Detectron2's <c>ShapeSpec</c>.</summary>
public readonly record struct ShapeSpec(int Channels, int Stride)
{
    public override string ToString() => $"C={Channels} stride={Stride}";
}
