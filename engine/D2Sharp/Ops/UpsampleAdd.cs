namespace D2Sharp.Ops;

/// <summary>How FPN's top-down path upsamples by 2 (<c>MODEL.FPN.UPSAMPLE_MODE</c>).</summary>
public enum UpsampleMode
{
    /// <summary><c>"nearest"</c>: each output pixel copies top[y/2, x/2], as Detectron2's FPN.</summary>
    Nearest,
    /// <summary><c>"bilinear"</c>: PyTorch's bilinear interpolation with <c>align_corners=False</c>.</summary>
    Bilinear,
}

/// <summary>How FPN fuses the upsampled top-down map with the lateral (<c>MODEL.FPN.FUSE_TYPE</c>).</summary>
public enum FuseType
{
    /// <summary><c>"sum"</c>: lateral + top-down.</summary>
    Sum,
    /// <summary><c>"avg"</c>: (lateral + top-down) / 2.</summary>
    Avg,
}

/// <summary>
/// FPN's top-down merge in float32: y = lateral + upsample×2(top), halved when fused by "avg"
/// (Detectron2: <c>(lateral + top_down) / 2</c>). Inputs: top [N,C,H,W] and lateral [N,C,2H,2W].
/// Nearest reads top[y/2, x/2] (PyTorch's <c>interpolate(scale_factor=2, mode="nearest")</c>);
/// bilinear is <c>align_corners=False</c>.
/// </summary>
public sealed class UpsampleAdd : Op
{
    /// <summary>How the top map is upsampled ×2 (<c>FPN.UPSAMPLE_MODE</c>); <see cref="UpsampleMode.Nearest"/> by default.</summary>
    public UpsampleMode Mode { get; init; }
    /// <summary>How the upsampled top and the lateral combine (<c>FPN.FUSE_TYPE</c>); <see cref="FuseType.Sum"/> by default.</summary>
    public FuseType Fuse { get; init; }

    /// <inheritdoc/>
    public override string Kind => "UpsampleAdd";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>Two inputs: top, then lateral.</summary>
    public override int Arity => 2;

    /// <summary>The output may overwrite the lateral, which is read element for element.</summary>
    public override int InPlaceInput => 1;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var top = inputs[0];
        var lateral = inputs[1];
        ExpectRank(top, 4, "UpsampleAdd top");
        ExpectRank(lateral, 4, "UpsampleAdd lateral");
        if (top[0] != lateral[0] || top[1] != lateral[1] || lateral[2] != 2 * top[2] || lateral[3] != 2 * top[3])
            throw new ShapeException(
                $"UpsampleAdd: lateral {Tensor.ShapeString(lateral)} is not twice top {Tensor.ShapeString(top)}; " +
                "the input must be padded to the backbone's size divisibility");
        return [(int[])lateral.Clone()];
    }

    /// <inheritdoc/>
    public override string Describe() => $"{Mode.ToString().ToLowerInvariant()} x2, {Fuse.ToString().ToLowerInvariant()}";

    /// <summary>
    /// Bilinear mode's neighbours of output row (or column) <paramref name="dst"/>: PyTorch's
    /// area_pixel_compute_source_index for scale 1/2, source = (dst + 0.5)/2 − 0.5 clamped at 0, in
    /// float32; the second neighbour is clamped to the last row; the weight belongs to it.
    /// </summary>
    public static (int Low, int High, float Weight) BilinearSource(int dst, int size)
    {
        float source = Math.Max(0.5f * (dst + 0.5f) - 0.5f, 0f);
        int low = Math.Min((int)source, size - 1);
        int high = low < size - 1 ? low + 1 : low;
        return (low, high, source - low);
    }
}
