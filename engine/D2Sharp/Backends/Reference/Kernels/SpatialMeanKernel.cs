using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="SpatialMean"/>: per row, each channel summed over the NHWC map in double, divided once. Parallel over the rows.</summary>
internal sealed class SpatialMeanKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var x = args.In(0);
        var y = args.Outputs[0].Span<float>().Slice(index * x.C, x.C);
        int plane = x.H * x.W;
        var pixels = x.Pixels(index, 0, 0, plane);
        for (int c = 0; c < x.C; c++)
        {
            double sum = 0;
            for (int p = 0; p < plane; p++) sum += pixels[p * x.C + c];
            y[c] = (float)(sum / plane);
        }
    }
}
