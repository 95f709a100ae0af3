using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="Relu"/>: y = max(x, 0), NaN kept, element by element (y may be x). Parallel over rows.</summary>
internal sealed class ReluKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var x = args.In(0);
        var y = args.Out(0);
        int n = index / y.H, row = index % y.H;
        for (int ix = 0; ix < y.W; ix++)
            for (int c = 0; c < y.C; c++)
                y[n, row, ix, c] = Activate(x[n, row, ix, c], Activation.Relu);
    }
}
