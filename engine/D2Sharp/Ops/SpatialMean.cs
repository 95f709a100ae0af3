namespace D2Sharp.Ops;

/// <summary>
/// <c>x.mean(dim=[2, 3])</c>: each channel's mean over the map, as Detectron2's C4 ROI heads
/// reduce the res5 output of each box before the predictor. Input a feature map [N, C, H, W];
/// output [N, C].
/// </summary>
public sealed class SpatialMean : Op
{
    /// <inheritdoc/>
    public override string Kind => "SpatialMean";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>False: the output is a plain [N, C] array.</summary>
    public override bool ProducesFeatureMap => false;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        ExpectRank(inputs[0], 4, "SpatialMean input");
        return [[inputs[0][0], inputs[0][1]]];
    }

    /// <inheritdoc/>
    public override string Describe() => "mean over H, W";
}
