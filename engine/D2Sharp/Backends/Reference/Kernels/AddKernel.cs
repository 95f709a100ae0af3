using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="Add"/>: y = act(a + b) in float32, element by element (y may be a or b). Parallel over rows.</summary>
internal sealed class AddKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var activation = ((Add)args.Op).Activation;
        var a = args.In(0);
        var b = args.In(1);
        var y = args.Out(0);
        int n = index / y.H, row = index % y.H;
        for (int x = 0; x < y.W; x++)
            for (int c = 0; c < y.C; c++)
                y[n, row, x, c] = Activate(a[n, row, x, c] + b[n, row, x, c], activation);
    }
}
