namespace D2Sharp.Ops;

/// <summary>y = max(x, 0) as a standalone op: RetinaNet's P7 reads ReLU(P6) while P6 itself stays an output.</summary>
public sealed class Relu : Op
{
    public override string Kind => "Relu";

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        ExpectRank(inputs[0], 4, "Relu input");
        return (int[])inputs[0].Clone();
    }

    public override string Describe() => "";

    /// <summary>y = max(x, 0), NaN kept. <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    public void Reference(FeatureMap x, FeatureMap y)
    {
        ExpectExtents(y, x.N, x.C, x.H, x.W, "Relu output");
        var source = x.Span;
        var target = y.Span;
        for (int i = 0; i < source.Length; i++)
            target[i] = Activate(source[i], Activation.Relu);
    }
}
