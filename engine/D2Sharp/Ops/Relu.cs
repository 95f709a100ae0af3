namespace D2Sharp.Ops;

/// <summary>
/// y = max(x, 0) as a standalone op, NaN kept (<c>torch.relu</c>): RetinaNet's P7 reads ReLU(P6)
/// while P6 itself stays an output.
/// </summary>
public sealed class Relu : Op
{
    /// <inheritdoc/>
    public override string Kind => "Relu";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>The output may overwrite its input.</summary>
    public override int InPlaceInput => 0;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        ExpectRank(inputs[0], 4, "Relu input");
        return [(int[])inputs[0].Clone()];
    }

    /// <inheritdoc/>
    public override string Describe() => "";
}
