using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="DeformConv2d"/> as torchvision's <c>deform_conv2d</c> computes it: for each output
/// pixel, a column of mask · bilinear samples (float32, torchvision's operation order) for every
/// tap and input channel, then per output channel the double sum of column × weight over its
/// group, plus the bias, rounded once, then the activation. Parallel over output rows; the column
/// is per-worker scratch.
/// </summary>
internal sealed class DeformConv2dKernel : HostKernel
{
    public override object Bind(Node node, NodeWeights? weights)
    {
        var op = (DeformConv2d)node.Op;
        return ConvWeights.Pack(weights, op.OutChannels, op.InChannels / op.Groups, op.Kernel * op.Kernel);
    }

    private static int ColumnLength(DeformConv2d op) => op.Kernel * op.Kernel * op.InChannels;

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        (long)workers * ColumnLength((DeformConv2d)node.Op) * sizeof(float);

    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[2]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (DeformConv2d)args.Op;
        var weights = (ConvWeights)args.Bound!;
        var x = args.In(0);
        var offsets = args.In(1);
        var y = args.Out(0);
        var column = args.ScratchOf<float>(worker, ColumnLength(op));
        int n = index / y.H, oy = index % y.H;
        int taps = op.Kernel * op.Kernel;
        int perDeformableGroup = op.InChannels / op.DeformableGroups;
        int firstMaskChannel = 2 * taps * op.DeformableGroups;
        int inPerGroup = weights.InPerGroup, outPerGroup = op.OutChannels / op.Groups;
        for (int ox = 0; ox < y.W; ox++)
        {
            var offset = offsets.Pixel(n, oy, ox);
            for (int g = 0; g < op.DeformableGroups; g++)
            {
                for (int k = 0; k < taps; k++)
                {
                    int i = k / op.Kernel, j = k % op.Kernel;
                    float dy = offset[2 * (g * taps + k)];
                    float dx = offset[2 * (g * taps + k) + 1];
                    float mask = op.Modulated ? Sigmoid(offset[firstMaskChannel + g * taps + k]) : 1f;
                    float sampleY = oy * op.Stride - op.Padding + i * op.Dilation + dy;
                    float sampleX = ox * op.Stride - op.Padding + j * op.Dilation + dx;
                    var tap = column.Slice(k * op.InChannels + g * perDeformableGroup, perDeformableGroup);
                    Sample(x, n, g * perDeformableGroup, sampleY, sampleX, mask, tap);
                }
            }
            for (int o = 0; o < op.OutChannels; o++)
            {
                int firstInput = o / outPerGroup * inPerGroup;
                double sum = 0;
                for (int k = 0; k < taps; k++)
                    sum += Dot.Product(column.Slice(k * op.InChannels + firstInput, inPerGroup), weights.Tap(o, k));
                if (weights.Bias != null) sum += weights.Bias[o];
                y[n, oy, ox, o] = Activate((float)sum, op.Activation);
            }
        }
    }

    /// <summary>The mask as Detectron2 makes it: <c>mask.sigmoid()</c> of the last third of the offset conv's output.</summary>
    private static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

    /// <summary>
    /// dst[c] = mask · bilinear(x[n, :, :, firstChannel + c]) at (y, x), torchvision's rules: a point
    /// outside (−1, H) × (−1, W) reads 0; inside it, corners that fall off the map read 0.
    /// </summary>
    private static void Sample(FeatureMap input, int n, int firstChannel, float y, float x, float mask, Span<float> dst)
    {
        if (y <= -1 || y >= input.H || x <= -1 || x >= input.W)
        {
            dst.Fill(mask * 0f);
            return;
        }
        int y0 = (int)MathF.Floor(y), x0 = (int)MathF.Floor(x);
        int y1 = y0 + 1, x1 = x0 + 1;
        float ly = y - y0, lx = x - x0;
        float hy = 1 - ly, hx = 1 - lx;
        float w00 = hy * hx, w01 = hy * lx, w10 = ly * hx, w11 = ly * lx;
        bool top = y0 >= 0, bottom = y1 <= input.H - 1, left = x0 >= 0, right = x1 <= input.W - 1;
        for (int c = 0; c < dst.Length; c++)
        {
            int channel = firstChannel + c;
            float v00 = top && left ? input[n, y0, x0, channel] : 0f;
            float v01 = top && right ? input[n, y0, x1, channel] : 0f;
            float v10 = bottom && left ? input[n, y1, x0, channel] : 0f;
            float v11 = bottom && right ? input[n, y1, x1, channel] : 0f;
            dst[c] = mask * (w00 * v00 + w01 * v01 + w10 * v10 + w11 * v11);
        }
    }
}
