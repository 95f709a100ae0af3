using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="Conv2d"/> by its definition: every output element is the double sum, over the taps
/// and the input channels of its group, of input × weight (padding taps read zeros), plus the bias
/// and the residual, rounded to float32 once, then the activation. Parallel over output rows.
/// Without groups or dilation, a kernel row that lies inside the map is one contiguous run of
/// NHWC input and of packed weights, and is summed as one product.
/// </summary>
internal sealed class Conv2dKernel : HostKernel
{
    public override object Bind(Node node, NodeWeights? weights)
    {
        var conv = (Conv2d)node.Op;
        return ConvWeights.Pack(weights, conv.OutChannels, conv.InChannels / conv.Groups, conv.KernelH * conv.KernelW);
    }

    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var conv = (Conv2d)args.Op;
        var weights = (ConvWeights)args.Bound!;
        var x = args.In(0);
        var y = args.Out(0);
        FeatureMap? residual = conv.HasResidual ? args.In(1) : null;
        int n = index / y.H, oy = index % y.H;
        int inPerGroup = weights.InPerGroup, outPerGroup = conv.OutChannels / conv.Groups;
        bool contiguousRows = conv.Groups == 1 && conv.Dilation == 1;
        // Output channel outside the pixel loop: one channel's weights are read for the whole row.
        for (int o = 0; o < conv.OutChannels; o++)
        {
            int firstInput = o / outPerGroup * inPerGroup;
            for (int ox = 0; ox < y.W; ox++)
            {
                double sum = 0;
                int left = ox * conv.Stride - conv.Padding;
                for (int i = 0; i < conv.KernelH; i++)
                {
                    int iy = oy * conv.Stride - conv.Padding + i * conv.Dilation;
                    if (contiguousRows && iy >= 0 && iy < x.H && left >= 0 && left + conv.KernelW <= x.W)
                    {
                        sum += Dot.Product(x.Pixels(n, iy, left, conv.KernelW), weights.TapRun(o, i * conv.KernelW, conv.KernelW));
                        continue;
                    }
                    for (int j = 0; j < conv.KernelW; j++)
                    {
                        int ix = left + j * conv.Dilation;
                        ReadOnlySpan<float> pixel = iy >= 0 && iy < x.H && ix >= 0 && ix < x.W
                            ? x.Pixel(n, iy, ix).Slice(firstInput, inPerGroup)
                            : weights.Zeros;
                        sum += Dot.Product(pixel, weights.Tap(o, i * conv.KernelW + j));
                    }
                }
                if (weights.Bias != null) sum += weights.Bias[o];
                if (residual is { } r) sum += r[n, oy, ox, o];
                y[n, oy, ox, o] = Activate((float)sum, conv.Activation);
            }
        }
    }
}
