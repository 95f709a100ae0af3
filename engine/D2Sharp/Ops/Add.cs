namespace D2Sharp.Ops;

/// <summary>Elementwise y = act(a + b) in float32: the residual join when the block's norm is not folded (GN).</summary>
public sealed class Add : Op
{
    public Activation Activation { get; init; }

    public override string Kind => "Add";
    public override bool IsRowWise => true;
    public override int Arity => 2;
    public override int InPlaceInput => 0;

    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (!inputs[0].SequenceEqual(inputs[1]))
            throw new ShapeException($"Add: shapes {Tensor.ShapeString(inputs[0])} and {Tensor.ShapeString(inputs[1])} differ");
        return [(int[])inputs[0].Clone()];
    }

    public override string Describe() => DescribeActivation(Activation).TrimStart();
}
