namespace D2Sharp.Ops;

/// <summary>
/// <c>x.mean(dim=[2, 3])</c>: each channel's mean over the map, as Detectron2's C4 ROI heads
/// reduce the res5 output of each box before the predictor. Input a feature map [N, C, H, W];
/// output [N, C].
/// </summary>
public sealed class SpatialMean : Op
{
    public override string Kind => "SpatialMean";
    public override bool IsRowWise => true;
    public override bool ProducesFeatureMap => false;

    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        ExpectRank(inputs[0], 4, "SpatialMean input");
        return [[inputs[0][0], inputs[0][1]]];
    }

    public override string Describe() => "mean over H, W";
}
