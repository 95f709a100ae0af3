using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// torchvision's <c>roi_align</c> geometry, shared by the host kernels: one box's bins and sample
/// grid on its level, and each sample's four bilinear taps, in float32 in torchvision's order.
/// </summary>
internal readonly struct RoiAlignSampling
{
    public readonly float StartY, StartX, BinH, BinW;
    public readonly int GridH, GridW;
    /// <summary>Samples a bin averages over (at least 1, so an empty box pools to zero).</summary>
    public readonly float Count;

    public RoiAlignSampling(RoiAlign op, ReadOnlySpan<float> box, float scale)
    {
        float offset = op.Aligned ? 0.5f : 0f;
        StartX = box[0] * scale - offset;
        StartY = box[1] * scale - offset;
        float width = box[2] * scale - offset - StartX, height = box[3] * scale - offset - StartY;
        if (!op.Aligned)
        {
            width = MathF.Max(width, 1f);
            height = MathF.Max(height, 1f);
        }
        int size = op.OutputSize;
        BinH = height / size;
        BinW = width / size;
        GridH = op.SamplingRatio > 0 ? op.SamplingRatio : (int)MathF.Ceiling(height / size);
        GridW = op.SamplingRatio > 0 ? op.SamplingRatio : (int)MathF.Ceiling(width / size);
        Count = Math.Max(GridH * GridW, 1);
    }

    public float SampleY(int bin, int i) => StartY + bin * BinH + (i + 0.5f) * BinH / GridH;
    public float SampleX(int bin, int i) => StartX + bin * BinW + (i + 0.5f) * BinW / GridW;

    /// <summary>
    /// The taps of a sample at (y, x) on an H×W map: rows y0, y1, columns x0, x1 and the weights
    /// of (y0, x0), (y0, x1), (y1, x0), (y1, x1). False when the sample lies more than one pixel
    /// outside the map, where it contributes zero.
    /// </summary>
    public static bool Taps(float y, float x, int h, int w, out int y0, out int y1, out int x0, out int x1,
        out float w00, out float w01, out float w10, out float w11)
    {
        if (y < -1f || y > h || x < -1f || x > w)
        {
            y0 = y1 = x0 = x1 = 0;
            w00 = w01 = w10 = w11 = 0;
            return false;
        }
        if (y <= 0) y = 0;
        if (x <= 0) x = 0;
        y0 = (int)y;
        x0 = (int)x;
        if (y0 >= h - 1) { y0 = y1 = h - 1; y = y0; } else y1 = y0 + 1;
        if (x0 >= w - 1) { x0 = x1 = w - 1; x = x0; } else x1 = x0 + 1;
        float ly = y - y0, lx = x - x0, hy = 1f - ly, hx = 1f - lx;
        (w00, w01, w10, w11) = (hy * hx, hy * lx, ly * hx, ly * lx);
        return true;
    }
}
