using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="UpsampleAdd"/> over <see cref="Vector{T}"/>s of channels: each output pixel adds the
/// lateral pixel and its source pixel of the coarser map (nearest), or the four-pixel bilinear
/// blend in the reference's float operation order. Parallel over output rows; y may be the lateral.
/// </summary>
internal sealed class UpsampleAddKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (UpsampleAdd)args.Op;
        var top = args.In(0);
        var lateral = args.In(1);
        var y = args.Out(0);
        int n = index / y.H, oy = index % y.H;
        float scale = op.Fuse == FuseType.Avg ? 0.5f : 1f;
        for (int ox = 0; ox < y.W; ox++)
        {
            if (op.Mode == UpsampleMode.Nearest)
                Merge(y.Pixel(n, oy, ox), lateral.Pixel(n, oy, ox), top.Pixel(n, oy / 2, ox / 2), scale);
            else
                MergeBilinear(y.Pixel(n, oy, ox), lateral.Pixel(n, oy, ox), top, n, oy, ox, scale);
        }
    }

    /// <summary>target = (side + up) · scale; halving by a multiply is exact, as the reference's division by 2.</summary>
    private static void Merge(Span<float> target, Span<float> side, Span<float> up, float scale)
    {
        int i = 0;
        for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            ((new Vector<float>(side[i..]) + new Vector<float>(up[i..])) * scale).CopyTo(target[i..]);
        for (; i < target.Length; i++) target[i] = (side[i] + up[i]) * scale;
    }

    private static void MergeBilinear(Span<float> target, Span<float> side, FeatureMap top, int n, int oy, int ox, float scale)
    {
        var (y0, y1, ly) = UpsampleAdd.BilinearSource(oy, top.H);
        var (x0, x1, lx) = UpsampleAdd.BilinearSource(ox, top.W);
        Span<float> a = top.Pixel(n, y0, x0), b = top.Pixel(n, y0, x1), c = top.Pixel(n, y1, x0), d = top.Pixel(n, y1, x1);
        int i = 0;
        for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var up = (1 - ly) * ((1 - lx) * new Vector<float>(a[i..]) + lx * new Vector<float>(b[i..]))
                     + ly * ((1 - lx) * new Vector<float>(c[i..]) + lx * new Vector<float>(d[i..]));
            ((new Vector<float>(side[i..]) + up) * scale).CopyTo(target[i..]);
        }
        for (; i < target.Length; i++)
        {
            float up = (1 - ly) * ((1 - lx) * a[i] + lx * b[i]) + ly * ((1 - lx) * c[i] + lx * d[i]);
            target[i] = (side[i] + up) * scale;
        }
    }
}
