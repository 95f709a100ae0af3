namespace D2Sharp.Ops;

public enum UpsampleMode { Nearest, Bilinear }

public enum FuseType { Sum, Avg }

/// <summary>
/// FPN's top-down merge: y = lateral + upsample×2(top), divided by 2 when fused by "avg".
/// Inputs: top [N,C,H,W] and lateral [N,C,2H,2W]. Nearest reads top[y/2, x/2] (PyTorch's
/// <c>interpolate(scale_factor=2, mode="nearest")</c>); bilinear is align_corners=False.
/// </summary>
public sealed class UpsampleAdd : Op
{
    public UpsampleMode Mode { get; init; }
    public FuseType Fuse { get; init; }

    public override string Kind => "UpsampleAdd";
    public override int Arity => 2;

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var top = inputs[0];
        var lateral = inputs[1];
        ExpectRank(top, 4, "UpsampleAdd top");
        ExpectRank(lateral, 4, "UpsampleAdd lateral");
        if (top[0] != lateral[0] || top[1] != lateral[1] || lateral[2] != 2 * top[2] || lateral[3] != 2 * top[3])
            throw new ShapeException(
                $"UpsampleAdd: lateral {Tensor.ShapeString(lateral)} is not twice top {Tensor.ShapeString(top)}; " +
                "the input must be padded to the backbone's size divisibility");
        return (int[])lateral.Clone();
    }

    public override string Describe() => $"{Mode.ToString().ToLowerInvariant()} x2, {Fuse.ToString().ToLowerInvariant()}";

    /// <summary>
    /// y = lateral + up(top), then halved for "avg" (Detectron2: <c>(lateral + top_down) / 2</c>),
    /// in float32. <paramref name="y"/> may be <paramref name="lateral"/> itself.
    /// </summary>
    public void Reference(FeatureMap top, FeatureMap lateral, FeatureMap y)
    {
        ExpectExtents(lateral, top.N, top.C, 2 * top.H, 2 * top.W, "UpsampleAdd lateral");
        ExpectExtents(y, top.N, top.C, 2 * top.H, 2 * top.W, "UpsampleAdd output");
        for (int n = 0; n < y.N; n++)
        {
            for (int oy = 0; oy < y.H; oy++)
            {
                for (int ox = 0; ox < y.W; ox++)
                {
                    for (int c = 0; c < y.C; c++)
                    {
                        float up = Mode == UpsampleMode.Nearest
                            ? top[n, oy / 2, ox / 2, c]
                            : Bilinear(top, n, oy, ox, c);
                        float merged = lateral[n, oy, ox, c] + up;
                        y[n, oy, ox, c] = Fuse == FuseType.Avg ? merged / 2 : merged;
                    }
                }
            }
        }
    }

    /// <summary>PyTorch's bilinear ×2, align_corners=False, at output pixel (oy, ox).</summary>
    private static float Bilinear(FeatureMap top, int n, int oy, int ox, int c)
    {
        var (y0, y1, ly) = SourceIndex(oy, top.H);
        var (x0, x1, lx) = SourceIndex(ox, top.W);
        return (1 - ly) * ((1 - lx) * top[n, y0, x0, c] + lx * top[n, y0, x1, c])
             + ly * ((1 - lx) * top[n, y1, x0, c] + lx * top[n, y1, x1, c]);
    }

    /// <summary>
    /// PyTorch's area_pixel_compute_source_index for scale 1/2: source = (dst + 0.5)/2 − 0.5,
    /// clamped at 0; the second neighbour is clamped to the last row/column; the returned weight
    /// belongs to that second neighbour.
    /// </summary>
    private static (int Low, int High, float Weight) SourceIndex(int dst, int size)
    {
        float source = Math.Max(0.5f * (dst + 0.5f) - 0.5f, 0f);
        int low = Math.Min((int)source, size - 1);
        int high = low < size - 1 ? low + 1 : low;
        return (low, high, source - low);
    }
}
