using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="GroupNorm"/> in two passes over the map, vectorised over channels. First, every task
/// sums a band of rows of one sample channel by channel (values and squares, in double), into its
/// own slot of the scratch; the bands are then added per group into the mean and biased variance.
/// Second, y = act(x · scale + shift) with per-channel scale = weight/√(var + eps) and
/// shift = bias − mean · scale. y may be x.
/// </summary>
internal sealed class GroupNormKernel : HostKernel
{
    private const int RowsPerBand = 8;

    private static int Bands(int samples, int height) => samples * ((height + RowsPerBand - 1) / RowsPerBand);

    /// <summary>Per band: channel sums and sums of squares (double); then per channel scale and shift (float).</summary>
    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        var shape = plan.ShapeOf(node.Inputs[0]);
        return (long)Bands(shape[0], shape[2]) * 2 * shape[1] * sizeof(double) + (long)shape[0] * 2 * shape[1] * sizeof(float);
    }

    public override unsafe void Run(KernelArgs args)
    {
        var op = (GroupNorm)args.Op;
        var shape = args.Inputs[0].Shape;
        int n = shape[0], c = shape[1], bands = Bands(n, shape[2]), bandsPerSample = bands / n;
        args.Phase = 0;
        args.Parallel(bands);

        double* sums = (double*)args.Scratch;
        float* scaleShift = (float*)(sums + (long)bands * 2 * c);
        var weights = args.Weights!;
        int perGroup = c / op.Groups;
        double count = (double)perGroup * shape[2] * shape[3];
        for (int sample = 0; sample < n; sample++)
        {
            for (int g = 0; g < op.Groups; g++)
            {
                double sum = 0, squares = 0;
                for (int band = sample * bandsPerSample; band < (sample + 1) * bandsPerSample; band++)
                    for (int channel = g * perGroup; channel < (g + 1) * perGroup; channel++)
                    {
                        sum += sums[(long)band * 2 * c + channel];
                        squares += sums[(long)band * 2 * c + c + channel];
                    }
                double mean = sum / count;
                double invStd = 1.0 / Math.Sqrt(Math.Max(squares / count - mean * mean, 0) + op.Eps);
                for (int channel = g * perGroup; channel < (g + 1) * perGroup; channel++)
                {
                    double scale = invStd * weights.Weight[channel];
                    scaleShift[sample * 2 * c + channel] = (float)scale;
                    scaleShift[sample * 2 * c + c + channel] = (float)(weights.Bias![channel] - mean * scale);
                }
            }
        }
        args.Phase = 1;
        args.Parallel(n * shape[2]);
    }

    public override unsafe void Row(KernelArgs args, int index, int worker)
    {
        var x = args.In(0);
        int c = x.C;
        if (args.Phase == 0)
        {
            int bandsPerSample = (x.H + RowsPerBand - 1) / RowsPerBand;
            int n = index / bandsPerSample, first = index % bandsPerSample * RowsPerBand;
            double* sums = (double*)args.Scratch + (long)index * 2 * c;
            new Span<double>(sums, 2 * c).Clear();
            for (int row = first; row < Math.Min(first + RowsPerBand, x.H); row++)
                for (int col = 0; col < x.W; col++)
                {
                    var pixel = x.Pixel(n, row, col);
                    for (int channel = 0; channel < c; channel++)
                    {
                        double v = pixel[channel];
                        sums[channel] += v;
                        sums[c + channel] += v * v;
                    }
                }
            return;
        }
        var y = args.Out(0);
        int sample = index / x.H, r = index % x.H;
        int bands = Bands(x.N, x.H);
        float* scaleShift = (float*)((double*)args.Scratch + (long)bands * 2 * c) + sample * 2 * c;
        var scale = new ReadOnlySpan<float>(scaleShift, c);
        var shift = new ReadOnlySpan<float>(scaleShift + c, c);
        bool relu = ((GroupNorm)args.Op).Activation == Activation.Relu;
        for (int col = 0; col < x.W; col++)
        {
            var source = x.Pixel(sample, r, col);
            var target = y.Pixel(sample, r, col);
            int i = 0;
            for (; i <= c - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(source[i..]) * new Vector<float>(scale[i..]) + new Vector<float>(shift[i..]);
                (relu ? Vector.Max(v, Vector<float>.Zero) : v).CopyTo(target[i..]);
            }
            for (; i < c; i++)
            {
                float v = source[i] * scale[i] + shift[i];
                target[i] = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }
}
