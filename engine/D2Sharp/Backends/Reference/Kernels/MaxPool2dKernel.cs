using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="MaxPool2d"/>: the maximum over each window; taps in the padding are skipped, which is
/// what reading −∞ there amounts to (PyTorch keeps padding at most half the kernel, so every window
/// holds a real pixel); a NaN in the window wins. Parallel over output rows.
/// </summary>
internal sealed class MaxPool2dKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (MaxPool2d)args.Op;
        var x = args.In(0);
        var y = args.Out(0);
        int n = index / y.H, oy = index % y.H;
        int top = oy * op.Stride - op.Padding;
        for (int ox = 0; ox < y.W; ox++)
        {
            int left = ox * op.Stride - op.Padding;
            for (int c = 0; c < y.C; c++)
            {
                float max = float.NegativeInfinity;
                for (int iy = Math.Max(top, 0); iy < Math.Min(top + op.Kernel, x.H); iy++)
                    for (int ix = Math.Max(left, 0); ix < Math.Min(left + op.Kernel, x.W); ix++)
                    {
                        float value = x[n, iy, ix, c];
                        if (value > max || float.IsNaN(value)) max = value;
                    }
                y[n, oy, ox, c] = max;
            }
        }
    }
}
