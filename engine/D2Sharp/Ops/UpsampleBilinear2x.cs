namespace D2Sharp.Ops;

/// <summary>
/// <c>F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)</c>, as the keypoint
/// head upsamples its heatmaps: each output pixel blends the four source pixels of
/// <see cref="UpsampleAdd.BilinearSource"/> in PyTorch's float order. Input a feature map
/// [N, C, H, W]; output [N, C, 2H, 2W].
/// </summary>
public sealed class UpsampleBilinear2x : Op
{
    /// <inheritdoc/>
    public override string Kind => "UpsampleBilinear2x";
    /// <inheritdoc/>
    public override bool IsRowWise => true;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "UpsampleBilinear2x input");
        return [[x[0], x[1], 2 * x[2], 2 * x[3]]];
    }

    /// <inheritdoc/>
    public override string Describe() => "bilinear x2, align_corners=False";
}
