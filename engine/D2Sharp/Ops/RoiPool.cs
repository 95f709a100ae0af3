namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>ROIPooler</c> with <c>ROIPool</c> (torchvision's <c>roi_pool</c>, Fast R-CNN's
/// max pooling): a box on its level (see <see cref="RoiPooler"/>) is rounded to whole pixels, C's
/// round(x·scale) (half away from zero) for both corners with the end pixel included, and at least
/// one pixel wide; bin i of S covers pixels floor(i·w/S) to ceil((i+1)·w/S) of it, clipped to the
/// map, all in float32 as torchvision's CPU kernel. A bin is the maximum of its pixels (a value
/// wins only when greater, so NaN never does and a bin of −∞ and NaN gives −float.MaxValue), or
/// zero when it covers none.
/// </summary>
public sealed class RoiPool : RoiPooler
{
    /// <inheritdoc/>
    public override string Kind => "RoiPool";

    /// <inheritdoc/>
    public override string Describe() => $"ROIPool {OutputSize}x{OutputSize} {DescribeScales()}";
}
