using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="UpsampleBilinear2x"/>: one output row at a time, every channel of a pixel from the same four source pixels. Parallel over (n, row).</summary>
internal sealed class UpsampleBilinear2xKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var x = args.In(0);
        var y = args.Out(0);
        int n = index / y.H, oy = index % y.H;
        var (y0, y1, ly) = UpsampleAdd.BilinearSource(oy, x.H);
        for (int ox = 0; ox < y.W; ox++)
        {
            var (x0, x1, lx) = UpsampleAdd.BilinearSource(ox, x.W);
            Span<float> a = x.Pixel(n, y0, x0), b = x.Pixel(n, y0, x1), c = x.Pixel(n, y1, x0), d = x.Pixel(n, y1, x1);
            var target = y.Pixel(n, oy, ox);
            for (int ch = 0; ch < target.Length; ch++)
                target[ch] = (1 - ly) * ((1 - lx) * a[ch] + lx * b[ch]) + ly * ((1 - lx) * c[ch] + lx * d[ch]);
        }
    }
}
