using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="GroupNorm"/>: mean and biased variance of each (sample, group) in double, two passes,
/// then y = act(float((x − mean) · weight/√(var + eps) + bias)). Parallel over (sample, group);
/// a group's statistics are complete before any of its elements is written, so y may be x.
/// </summary>
internal sealed class GroupNormKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[0].Shape[0] * ((GroupNorm)args.Op).Groups);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (GroupNorm)args.Op;
        var weights = args.Weights!;
        var x = args.In(0);
        var y = args.Out(0);
        int perGroup = op.Channels / op.Groups;
        int n = index / op.Groups, first = index % op.Groups * perGroup;
        double count = (double)perGroup * x.H * x.W;
        double sum = 0;
        for (int iy = 0; iy < x.H; iy++)
            for (int ix = 0; ix < x.W; ix++)
                for (int c = first; c < first + perGroup; c++)
                    sum += x[n, iy, ix, c];
        double mean = sum / count;
        double squares = 0;
        for (int iy = 0; iy < x.H; iy++)
            for (int ix = 0; ix < x.W; ix++)
                for (int c = first; c < first + perGroup; c++)
                {
                    double d = x[n, iy, ix, c] - mean;
                    squares += d * d;
                }
        double invStd = 1.0 / Math.Sqrt(squares / count + op.Eps);
        for (int iy = 0; iy < x.H; iy++)
            for (int ix = 0; ix < x.W; ix++)
                for (int c = first; c < first + perGroup; c++)
                    y[n, iy, ix, c] = Activate((float)((x[n, iy, ix, c] - mean) * (invStd * weights.Weight[c]) + weights.Bias![c]), op.Activation);
    }
}
