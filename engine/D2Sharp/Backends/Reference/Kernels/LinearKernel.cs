using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="Linear"/>: one output row at a time, each output a sum in double rounded once.
/// A feature-map input is stored NHWC, so flattened element c·H·W + p of row r is read at
/// (r, p, c). Parallel over the rows.
/// </summary>
internal sealed class LinearKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (Linear)args.Op;
        var weights = args.Weights!;
        int inFeatures = op.InFeatures;
        var x = args.Inputs[0].Span<float>().Slice(index * inFeatures, inFeatures);
        var y = args.Outputs[0].Span<float>().Slice(index * op.OutFeatures, op.OutFeatures);
        int channels = args.Node.Inputs[0].IsFeatureMap ? args.Inputs[0].Shape[1] : inFeatures;
        int plane = inFeatures / channels;
        for (int o = 0; o < op.OutFeatures; o++)
        {
            var w = weights.Weight.AsSpan(o * inFeatures, inFeatures);
            double sum = weights.Bias?[o] ?? 0.0;
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    sum += (double)w[c * plane + p] * x[p * channels + c];
            y[o] = Activate((float)sum, op.Activation);
        }
    }
}
