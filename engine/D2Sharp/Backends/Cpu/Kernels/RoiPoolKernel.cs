using System.Numerics;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="Ops.RoiPool"/> on the reference kernel's boxes and bins, with its channel loop over
/// <see cref="Vector{T}"/>s: each NHWC pixel updates the bin's maxima across all channels at once.
/// The select keeps the reference's "greater wins" rule (Vector.Max's NaN handling is not
/// torchvision's), so the results are equal.
/// </summary>
internal sealed class RoiPoolKernel : Reference.Kernels.RoiPoolKernel
{
    protected override void Max(Span<float> bin, Span<float> pixel)
    {
        int c = 0;
        for (; c <= bin.Length - Vector<float>.Count; c += Vector<float>.Count)
        {
            var current = new Vector<float>(bin[c..]);
            var value = new Vector<float>(pixel[c..]);
            Vector.ConditionalSelect(Vector.GreaterThan(value, current), value, current).CopyTo(bin[c..]);
        }
        base.Max(bin[c..], pixel[c..]);
    }
}
