namespace D2Sharp.Ops;

/// <summary>Elementwise y = act(a + b) in float32: the residual join when the block's norm is not folded (GN).</summary>
public sealed class Add : Op
{
    /// <summary>Activation applied to the sum (ReLU after the residual join); <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Add";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>Two inputs, a and b, of the same shape.</summary>
    public override int Arity => 2;
    /// <summary>The output may overwrite input 0 (a).</summary>
    public override int InPlaceInput => 0;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (!inputs[0].SequenceEqual(inputs[1]))
            throw new ShapeException($"Add: shapes {Tensor.ShapeString(inputs[0])} and {Tensor.ShapeString(inputs[1])} differ");
        return [(int[])inputs[0].Clone()];
    }

    /// <inheritdoc/>
    public override string Describe() => DescribeActivation(Activation).TrimStart();
}
