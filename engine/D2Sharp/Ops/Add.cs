namespace D2Sharp.Ops;

/// <summary>Elementwise a + b with an optional ReLU: the residual join when the block's norm is not folded (GN).</summary>
public sealed class Add : Op
{
    public Activation Activation { get; init; }

    public override string Kind => "Add";
    public override int Arity => 2;

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        if (!inputs[0].SequenceEqual(inputs[1]))
            throw new ShapeException($"Add: shapes {Tensor.ShapeString(inputs[0])} and {Tensor.ShapeString(inputs[1])} differ");
        return (int[])inputs[0].Clone();
    }

    public override string Describe() => Activation == Activation.Relu ? "+relu" : "";

    /// <summary>y = act(a + b) in float32; <paramref name="y"/> may be either input.</summary>
    public void Reference(FeatureMap a, FeatureMap b, FeatureMap y)
    {
        ExpectExtents(b, a.N, a.C, a.H, a.W, "Add second input");
        ExpectExtents(y, a.N, a.C, a.H, a.W, "Add output");
        var left = a.Span;
        var right = b.Span;
        var target = y.Span;
        for (int i = 0; i < target.Length; i++)
            target[i] = Activate(left[i] + right[i], Activation);
    }
}
