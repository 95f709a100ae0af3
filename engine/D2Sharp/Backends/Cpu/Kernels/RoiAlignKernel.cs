using System.Numerics;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="Ops.RoiAlign"/> on the reference kernel's boxes, bins and samples, with its two
/// channel loops over <see cref="Vector{T}"/>s: each sample's four NHWC pixels are blended across
/// all channels at once, in the reference's float operation order, so the results are equal.
/// </summary>
internal sealed class RoiAlignKernel : Reference.Kernels.RoiAlignKernel
{
    protected override void Accumulate(Span<float> bin, Span<float> v00, Span<float> v01, Span<float> v10, Span<float> v11,
        float w00, float w01, float w10, float w11)
    {
        int c = 0;
        for (; c <= bin.Length - Vector<float>.Count; c += Vector<float>.Count)
            (new Vector<float>(bin[c..]) + (w00 * new Vector<float>(v00[c..]) + w01 * new Vector<float>(v01[c..])
                + w10 * new Vector<float>(v10[c..]) + w11 * new Vector<float>(v11[c..]))).CopyTo(bin[c..]);
        base.Accumulate(bin[c..], v00[c..], v01[c..], v10[c..], v11[c..], w00, w01, w10, w11);
    }

    protected override void Divide(Span<float> bin, float count)
    {
        int c = 0;
        for (; c <= bin.Length - Vector<float>.Count; c += Vector<float>.Count)
            (new Vector<float>(bin[c..]) / count).CopyTo(bin[c..]);
        base.Divide(bin[c..], count);
    }
}
