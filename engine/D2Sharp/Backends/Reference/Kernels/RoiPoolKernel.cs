using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="RoiPool"/>, one box at a time (<see cref="RoiPoolerKernel{TOp}"/>): each bin's pixel
/// range in torchvision's float32 arithmetic, then its maximum channel by channel. The CPU
/// backend's kernel overrides just that channel loop. Corners and bin edges are whole numbers
/// kept in double (torchvision's ints), so a box far outside the map, or a NaN one, clamps to an
/// empty range instead of overflowing.
/// </summary>
internal class RoiPoolKernel : RoiPoolerKernel<RoiPool>
{
    protected override void Pool(RoiPool op, FeatureMap x, int n, ReadOnlySpan<float> box, float scale, FeatureMap y, int index)
    {
        double startX = Corner(box[0], scale), startY = Corner(box[1], scale);
        // The end pixel is included, and a box whose corners cross is one pixel.
        float binW = (float)Math.Max(Corner(box[2], scale) - startX + 1, 1) / op.OutputSize;
        float binH = (float)Math.Max(Corner(box[3], scale) - startY + 1, 1) / op.OutputSize;
        for (int ph = 0; ph < op.OutputSize; ph++)
        {
            int y0 = Edge(MathF.Floor(ph * binH), startY, x.H), y1 = Edge(MathF.Ceiling((ph + 1) * binH), startY, x.H);
            for (int pw = 0; pw < op.OutputSize; pw++)
            {
                int x0 = Edge(MathF.Floor(pw * binW), startX, x.W), x1 = Edge(MathF.Ceiling((pw + 1) * binW), startX, x.W);
                var bin = y.Pixel(index, ph, pw);
                if (y1 <= y0 || x1 <= x0)
                {
                    bin.Clear();
                    continue;
                }
                // torchvision starts each maximum at −FLT_MAX, not −∞.
                bin.Fill(-float.MaxValue);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        Max(bin, x.Pixel(n, yy, xx));
            }
        }
    }

    /// <summary>A box corner on the map: C's <c>round</c>, half away from zero (not .NET's default to even).</summary>
    private static double Corner(float coordinate, float scale) => MathF.Round(coordinate * scale, MidpointRounding.AwayFromZero);

    /// <summary>A bin edge: its offset within the box, moved to the box's start and clamped to [0, size] (NaN to 0).</summary>
    private static int Edge(float offset, double start, int size) => (int)Math.Clamp(offset + start, 0, size);

    /// <summary>bin = pixel where pixel &gt; bin, channel by channel (a NaN pixel never replaces the bin).</summary>
    protected virtual void Max(Span<float> bin, Span<float> pixel)
    {
        for (int c = 0; c < bin.Length; c++)
            if (pixel[c] > bin[c]) bin[c] = pixel[c];
    }
}
