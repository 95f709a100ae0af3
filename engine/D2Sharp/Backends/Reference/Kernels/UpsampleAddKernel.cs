using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="UpsampleAdd"/> in float32: y = lateral + up(top), halved for "avg". Nearest reads
/// top[y/2, x/2]; bilinear follows PyTorch's <c>upsample_bilinear2d</c> (align_corners=False).
/// Each output element reads only its own lateral element, so y may be the lateral. Parallel over
/// output rows.
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
        var (y0, y1, ly) = UpsampleAdd.BilinearSource(oy, top.H);
        for (int ox = 0; ox < y.W; ox++)
        {
            var (x0, x1, lx) = UpsampleAdd.BilinearSource(ox, top.W);
            for (int c = 0; c < y.C; c++)
            {
                float up = op.Mode == UpsampleMode.Nearest
                    ? top[n, oy / 2, ox / 2, c]
                    : (1 - ly) * ((1 - lx) * top[n, y0, x0, c] + lx * top[n, y0, x1, c])
                      + ly * ((1 - lx) * top[n, y1, x0, c] + lx * top[n, y1, x1, c]);
                float merged = lateral[n, oy, ox, c] + up;
                y[n, oy, ox, c] = op.Fuse == FuseType.Avg ? merged / 2 : merged;
            }
        }
    }
}
