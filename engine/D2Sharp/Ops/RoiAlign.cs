namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>ROIPooler</c> with <c>ROIAlign</c> / <c>ROIAlignV2</c> (torchvision's
/// <c>roi_align</c>): each bin of a box on its level (see <see cref="RoiPooler"/>) is the mean of
/// a grid of bilinear samples (<see cref="SamplingRatio"/> per side, or ceil(bin size) when 0).
/// With <see cref="Aligned"/> (ROIAlignV2) box coordinates are shifted by half a pixel and small
/// boxes are not enlarged to one pixel.
/// </summary>
public sealed class RoiAlign : RoiPooler
{
    /// <summary>Samples per bin side; 0 = adaptive, ceil(box size / <see cref="RoiPooler.OutputSize"/>) per box.</summary>
    public int SamplingRatio { get; init; }
    /// <summary>True for <c>ROIAlignV2</c> (torchvision <c>aligned=True</c>: half-pixel shift, no minimum box size), false for <c>ROIAlign</c>; true by default.</summary>
    public bool Aligned { get; init; } = true;

    /// <inheritdoc/>
    public override string Kind => "RoiAlign";

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (SamplingRatio < 0) throw new ShapeException($"RoiAlign sampling ratio {SamplingRatio} is invalid");
        return base.InferShapes(inputs);
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"{(Aligned ? "ROIAlignV2" : "ROIAlign")} {OutputSize}x{OutputSize} sampling={SamplingRatio} {DescribeScales()}";
}
