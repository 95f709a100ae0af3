using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="ConvTranspose2d"/>: one output row at a time, each output a sum in double over the
/// input pixels and taps that reach it, rounded once. Parallel over (n, output row). The CPU
/// backend's kernel derives from it for the shapes it has no faster path for.
/// </summary>
internal class ConvTranspose2dKernel : HostKernel
{
    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        (long)workers * ((ConvTranspose2d)node.Op).OutChannels * sizeof(double);

    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (ConvTranspose2d)args.Op;
        var w = args.Weights!;
        var x = args.In(0);
        var y = args.Out(0);
        int n = index / y.H, oy = index % y.H, k = op.Kernel, cout = op.OutChannels;
        var sums = args.ScratchOf<double>(worker, cout);
        for (int ox = 0; ox < y.W; ox++)
        {
            for (int co = 0; co < cout; co++) sums[co] = w.Bias?[co] ?? 0.0;
            for (int ky = 0; ky < k; ky++)
            {
                int sy = oy + op.Padding - ky;
                if (sy < 0 || sy % op.Stride != 0 || sy / op.Stride >= x.H) continue;
                for (int kx = 0; kx < k; kx++)
                {
                    int sx = ox + op.Padding - kx;
                    if (sx < 0 || sx % op.Stride != 0 || sx / op.Stride >= x.W) continue;
                    var pixel = x.Pixel(n, sy / op.Stride, sx / op.Stride);
                    for (int ci = 0; ci < op.InChannels; ci++)
                    for (int co = 0; co < cout; co++)
                        sums[co] += (double)pixel[ci] * w.Weight[((ci * cout + co) * k + ky) * k + kx];
                }
            }
            var target = y.Pixel(n, oy, ox);
            for (int co = 0; co < cout; co++) target[co] = Activate((float)sums[co], op.Activation);
        }
    }
}
