using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="RoiAlign"/>, one box at a time (<see cref="RoiPoolerKernel{TOp}"/>): each bin sums
/// its samples' bilinear values channel by channel in float32, in torchvision's order, then
/// divides by the sample count. The CPU backend's kernel overrides just those two channel loops.
/// </summary>
internal class RoiAlignKernel : RoiPoolerKernel<RoiAlign>
{
    protected override void Pool(RoiAlign op, FeatureMap x, int n, ReadOnlySpan<float> box, float scale, FeatureMap y, int index)
    {
        var s = new RoiAlignSampling(op, box, scale);
        for (int ph = 0; ph < op.OutputSize; ph++)
            for (int pw = 0; pw < op.OutputSize; pw++)
            {
                var bin = y.Pixel(index, ph, pw);
                bin.Clear();
                for (int iy = 0; iy < s.GridH; iy++)
                {
                    float sy = s.SampleY(ph, iy);
                    for (int ix = 0; ix < s.GridW; ix++)
                    {
                        if (RoiAlignSampling.Taps(sy, s.SampleX(pw, ix), x.H, x.W, out int y0, out int y1, out int x0, out int x1,
                                out float w00, out float w01, out float w10, out float w11))
                            Accumulate(bin, x.Pixel(n, y0, x0), x.Pixel(n, y0, x1), x.Pixel(n, y1, x0), x.Pixel(n, y1, x1), w00, w01, w10, w11);
                    }
                }
                Divide(bin, s.Count);
            }
    }

    /// <summary>bin += w00·v00 + w01·v01 + w10·v10 + w11·v11, channel by channel, summed left to right.</summary>
    protected virtual void Accumulate(Span<float> bin, Span<float> v00, Span<float> v01, Span<float> v10, Span<float> v11,
        float w00, float w01, float w10, float w11)
    {
        for (int c = 0; c < bin.Length; c++)
            bin[c] += w00 * v00[c] + w01 * v01[c] + w10 * v10[c] + w11 * v11[c];
    }

    protected virtual void Divide(Span<float> bin, float count)
    {
        for (int c = 0; c < bin.Length; c++) bin[c] /= count;
    }
}
