using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="MaxPool2d"/> over <see cref="Vector{T}"/>s of channels: the IEEE maximum of the
/// window's pixels inside the map (NaN wins, padding skipped, as the reference). Parallel over output rows.
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
        int rowFrom = Math.Max(top, 0), rowTo = Math.Min(top + op.Kernel, x.H);
        for (int ox = 0; ox < y.W; ox++)
        {
            int left = ox * op.Stride - op.Padding;
            int colFrom = Math.Max(left, 0), colTo = Math.Min(left + op.Kernel, x.W);
            var target = y.Pixel(n, oy, ox);
            int i = 0;
            for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var max = new Vector<float>(float.NegativeInfinity);
                for (int iy = rowFrom; iy < rowTo; iy++)
                    for (int ix = colFrom; ix < colTo; ix++)
                        max = Vector.Max(max, new Vector<float>(x.Pixel(n, iy, ix)[i..]));
                max.CopyTo(target[i..]);
            }
            for (; i < target.Length; i++)
            {
                float max = float.NegativeInfinity;
                for (int iy = rowFrom; iy < rowTo; iy++)
                    for (int ix = colFrom; ix < colTo; ix++)
                    {
                        float value = x.Pixel(n, iy, ix)[i];
                        if (value > max || float.IsNaN(value)) max = value;
                    }
                target[i] = max;
            }
        }
    }
}
