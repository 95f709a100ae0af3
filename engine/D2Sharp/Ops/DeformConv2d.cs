using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// Deformable convolution v1 (<see cref="Modulated"/> false) and v2 (true), as Detectron2's
/// <c>DeformConv</c>/<c>ModulatedDeformConv</c> (= torchvision's <c>deform_conv2d</c>).
/// Inputs: x [N,Cin,H,W] and the raw output of the block's <c>conv2_offset</c>
/// [N, (18 or 27)·DG, Ho, Wo]. For v2 that tensor is split in thirds as Detectron2's
/// <c>chunk(3)</c>: channels [0, 18·DG) are the offsets, [18·DG, 27·DG) go through a sigmoid and
/// become the mask. Offset channel 2·(g·K + k) is Δy and 2·(g·K + k)+1 is Δx for deformable group g
/// and kernel tap k = i·KW + j. A bilinear sample counts only when −1 &lt; y &lt; H and −1 &lt; x &lt; W;
/// corners outside the map read 0. No bias in Detectron2's blocks; a folded BN supplies one.
/// </summary>
public sealed class DeformConv2d : Op
{
    public int InChannels { get; init; }
    public int OutChannels { get; init; }
    public int Kernel { get; init; } = 3;
    public int Stride { get; init; } = 1;
    public int Padding { get; init; } = 1;
    public int Dilation { get; init; } = 1;
    public int Groups { get; init; } = 1;
    public int DeformableGroups { get; init; } = 1;
    public bool Modulated { get; init; }
    public FoldedNorm Norm { get; init; }
    public Activation Activation { get; init; }

    public override string Kind => "DeformConv2d";
    public override int Arity => 2;

    /// <summary>Channels of the offset(+mask) input: 18·DG (v1) or 27·DG (v2) for a 3×3 kernel.</summary>
    public int OffsetChannels => (Modulated ? 3 : 2) * Kernel * Kernel * DeformableGroups;

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        var off = inputs[1];
        ExpectRank(x, 4, "DeformConv2d input");
        ExpectRank(off, 4, "DeformConv2d offset");
        if (x[1] != InChannels) throw new ShapeException($"DeformConv2d expects {InChannels} input channels, got {x[1]}");
        int ho = Conv2d.OutputSize(x[2], Kernel, Stride, Padding, Dilation);
        int wo = Conv2d.OutputSize(x[3], Kernel, Stride, Padding, Dilation);
        int[] expectedOffset = [x[0], OffsetChannels, ho, wo];
        if (!off.SequenceEqual(expectedOffset))
            throw new ShapeException($"DeformConv2d offset must be {Tensor.ShapeString(expectedOffset)}, got {Tensor.ShapeString(off)}");
        return [x[0], OutChannels, ho, wo];
    }

    public override long Macs(IReadOnlyList<int[]> inputs, int[] output) =>
        (long)output[0] * output[1] * output[2] * output[3] * (InChannels / Groups) * Kernel * Kernel;

    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [OutChannels, InChannels / Groups, Kernel, Kernel]);
            foreach (var p in Conv2d.BatchNormParameters(Norm, OutChannels)) yield return p;
        }
    }

    public override string Describe()
    {
        var s = $"{(Modulated ? "v2" : "v1")} {InChannels}->{OutChannels} k={Kernel}x{Kernel} s={Stride} p={Padding}";
        if (Dilation != 1) s += $" d={Dilation}";
        if (Groups != 1) s += $" g={Groups}";
        s += $" dg={DeformableGroups}";
        if (Norm != FoldedNorm.None) s += $" +{Norm}(folded)";
        if (Activation == Activation.Relu) s += " +relu";
        return s;
    }

    /// <summary>
    /// y = act(deform_conv(x, offsets, mask) + bias); <paramref name="bias"/> may be null.
    /// Each output pixel gathers its deformed receptive field into a column (input channel c uses
    /// the offsets of deformable group c / (Cin/DG)); each entry is mask · bilinear sample, computed
    /// in float32 in torchvision's operation order. The column is then multiplied by the weights as
    /// <see cref="Conv2d.Reference(FeatureMap, float[], float[], FeatureMap?, FeatureMap)"/> does (double sums, one rounding).
    /// </summary>
    public void Reference(FeatureMap x, FeatureMap offsetMask, float[] weight, float[]? bias, FeatureMap y) =>
        Reference(x, offsetMask, PrepareKernel(weight), bias, y);

    /// <summary>Reorders a [Cout, Cin/groups, K, K] weight once for repeated runs.</summary>
    public ConvKernel PrepareKernel(float[] weight)
    {
        Conv2d.ExpectGroups(InChannels, OutChannels, Groups, "DeformConv2d");
        ExpectLength(weight, (long)OutChannels * (InChannels / Groups) * Kernel * Kernel, "DeformConv2d weight");
        return new ConvKernel(weight, OutChannels, InChannels / Groups, Kernel * Kernel);
    }

    /// <summary>As <see cref="Reference(FeatureMap, FeatureMap, float[], float[], FeatureMap)"/>, with the weight prepared once.</summary>
    public void Reference(FeatureMap x, FeatureMap offsetMask, ConvKernel kernel, float[]? bias, FeatureMap y)
    {
        int ho = Conv2d.OutputSize(x.H, Kernel, Stride, Padding, Dilation);
        int wo = Conv2d.OutputSize(x.W, Kernel, Stride, Padding, Dilation);
        Conv2d.ExpectGroups(InChannels, OutChannels, Groups, "DeformConv2d");
        if (DeformableGroups <= 0 || InChannels % DeformableGroups != 0)
            throw new ShapeException($"DeformConv2d: {InChannels} input channels do not split into {DeformableGroups} deformable groups");
        ExpectExtents(x, x.N, InChannels, x.H, x.W, "DeformConv2d input");
        ExpectExtents(offsetMask, x.N, OffsetChannels, ho, wo, "DeformConv2d offset");
        ExpectExtents(y, x.N, OutChannels, ho, wo, "DeformConv2d output");
        kernel.Expect(OutChannels, InChannels / Groups, Kernel * Kernel, "DeformConv2d");
        if (bias != null) ExpectLength(bias, OutChannels, "DeformConv2d bias");

        int taps = Kernel * Kernel;
        int channelsPerDeformableGroup = InChannels / DeformableGroups;
        int firstMaskChannel = 2 * taps * DeformableGroups;
        int columnLength = taps * InChannels;
        Parallel.For(0, x.N * ho, () => new ConvScratch(columnLength, OutChannels), (row, _, scratch) =>
        {
            int n = row / ho, oy = row % ho;
            var (columns, sums) = (scratch.Columns, scratch.Sums);
            for (int ox0 = 0; ox0 < wo; ox0 += Conv2d.TilePixels)
            {
                int count = Math.Min(Conv2d.TilePixels, wo - ox0);
                for (int p = 0; p < count; p++)
                {
                    int ox = ox0 + p;
                    int at = offsetMask.Index(n, oy, ox, 0);
                    for (int g = 0; g < DeformableGroups; g++)
                    {
                        for (int i = 0; i < Kernel; i++)
                        {
                            for (int j = 0; j < Kernel; j++)
                            {
                                int k = i * Kernel + j;
                                float dy = offsetMask.Data[at + 2 * (g * taps + k)];
                                float dx = offsetMask.Data[at + 2 * (g * taps + k) + 1];
                                float mask = Modulated ? Sigmoid(offsetMask.Data[at + firstMaskChannel + g * taps + k]) : 1f;
                                float sampleY = (oy * Stride - Padding + i * Dilation) + dy;
                                float sampleX = (ox * Stride - Padding + j * Dilation) + dx;
                                int firstChannel = g * channelsPerDeformableGroup;
                                var tap = columns.AsSpan(p * columnLength + k * InChannels + firstChannel, channelsPerDeformableGroup);
                                SampleBilinear(x, n, firstChannel, sampleY, sampleX, mask, tap);
                            }
                        }
                    }
                }
                Conv2d.MultiplyColumns(columns, count, columnLength, kernel, InChannels, Groups, sums);
                for (int p = 0; p < count; p++)
                    Conv2d.StoreOutput(sums.AsSpan(p * OutChannels, OutChannels), bias, null, Activation, y, n, oy, ox0 + p);
            }
            return scratch;
        }, _ => { });
    }

    /// <summary>The mask as Detectron2 makes it: <c>mask.sigmoid()</c> of the last third of the offset conv's output.</summary>
    private static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

    /// <summary>
    /// dst[c] = mask · bilinear(x[n, :, :, firstChannel + c]) at (y, x), with torchvision's rules: a
    /// point outside (−1, H) × (−1, W) reads 0; inside it, corners that fall off the map read 0.
    /// </summary>
    private static void SampleBilinear(FeatureMap input, int n, int firstChannel, float y, float x, float mask, Span<float> dst)
    {
        if (y <= -1 || y >= input.H || x <= -1 || x >= input.W)
        {
            dst.Clear();
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
