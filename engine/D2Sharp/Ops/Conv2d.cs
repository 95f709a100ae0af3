using System.Numerics;
using System.Runtime.InteropServices;
using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// 2-D convolution with everything Detectron2's ResNet/FPN fuse after it: a bias (its own, or the
/// folded BatchNorm's), an optional residual input added before the activation, and ReLU.
/// Inputs: x [N,Cin,H,W] (and residual [N,Cout,Ho,Wo] when <see cref="HasResidual"/>).
/// Weight layout is PyTorch's [Cout, Cin/groups, KH, KW].
/// </summary>
public sealed class Conv2d : Op
{
    public int InChannels { get; init; }
    public int OutChannels { get; init; }
    public int KernelH { get; init; }
    public int KernelW { get; init; }
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public int Dilation { get; init; } = 1;
    public int Groups { get; init; } = 1;
    /// <summary>The conv has its own <c>bias</c> parameter (Detectron2: only when it has no norm).</summary>
    public bool HasBias { get; init; }
    /// <summary>A BatchNorm whose <c>norm.*</c> parameters are folded into weight and bias at load time.</summary>
    public FoldedNorm Norm { get; init; }
    public bool HasResidual { get; init; }
    public Activation Activation { get; init; }

    public override string Kind => "Conv2d";
    public override int Arity => HasResidual ? 2 : 1;

    public static int OutputSize(int size, int kernel, int stride, int padding, int dilation) =>
        (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "Conv2d input");
        if (x[1] != InChannels) throw new ShapeException($"Conv2d expects {InChannels} input channels, got {x[1]}");
        int ho = OutputSize(x[2], KernelH, Stride, Padding, Dilation);
        int wo = OutputSize(x[3], KernelW, Stride, Padding, Dilation);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"Conv2d input {Tensor.ShapeString(x)} is too small for kernel {KernelH}x{KernelW}");
        int[] y = [x[0], OutChannels, ho, wo];
        if (HasResidual && !inputs[1].SequenceEqual(y))
            throw new ShapeException($"Conv2d residual {Tensor.ShapeString(inputs[1])} does not match output {Tensor.ShapeString(y)}");
        return y;
    }

    public override long Macs(IReadOnlyList<int[]> inputs, int[] output) =>
        (long)output[0] * output[1] * output[2] * output[3] * (InChannels / Groups) * KernelH * KernelW;

    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [OutChannels, InChannels / Groups, KernelH, KernelW]);
            if (HasBias) yield return new("bias", [OutChannels]);
            foreach (var p in BatchNormParameters(Norm, OutChannels)) yield return p;
        }
    }

    internal static IEnumerable<ParameterSpec> BatchNormParameters(FoldedNorm norm, int channels)
    {
        if (norm == FoldedNorm.None) yield break;
        yield return new("norm.weight", [channels]);
        yield return new("norm.bias", [channels]);
        yield return new("norm.running_mean", [channels]);
        yield return new("norm.running_var", [channels]);
    }

    public override string Describe()
    {
        var s = $"{InChannels}->{OutChannels} k={KernelH}x{KernelW} s={Stride} p={Padding}";
        if (Dilation != 1) s += $" d={Dilation}";
        if (Groups != 1) s += $" g={Groups}";
        if (Norm != FoldedNorm.None) s += $" +{Norm}(folded)";
        else if (HasBias) s += " +bias";
        if (HasResidual) s += " +residual";
        if (Activation == Activation.Relu) s += " +relu";
        return s;
    }

    /// <summary>
    /// y = act(conv(x, weight) + bias + residual). <paramref name="bias"/> may be null (zero).
    /// Zero padding, PyTorch's stride/dilation/groups. Each output pixel gathers its receptive field
    /// into a column (im2col, zeros where the window hangs over the border) and multiplies it by the
    /// weights. Products and sums are taken in double and rounded to float once, after bias and
    /// residual: the result is the correctly rounded true value for all practical purposes, so a
    /// fast float32 backend compared against it is measured by its own rounding error alone,
    /// whatever order it sums in.
    /// </summary>
    public void Reference(FeatureMap x, float[] weight, float[]? bias, FeatureMap? residual, FeatureMap y) =>
        Reference(x, PrepareKernel(weight), bias, residual, y);

    /// <summary>Reorders a [Cout, Cin/groups, KH, KW] weight once for repeated <see cref="Reference(FeatureMap, ConvKernel, float[], FeatureMap?, FeatureMap)"/> runs.</summary>
    public ConvKernel PrepareKernel(float[] weight)
    {
        ExpectGroups(InChannels, OutChannels, Groups, "Conv2d");
        ExpectLength(weight, (long)OutChannels * (InChannels / Groups) * KernelH * KernelW, "Conv2d weight");
        return new ConvKernel(weight, OutChannels, InChannels / Groups, KernelH * KernelW);
    }

    /// <summary>As <see cref="Reference(FeatureMap, float[], float[], FeatureMap?, FeatureMap)"/>, with the weight prepared once.</summary>
    public void Reference(FeatureMap x, ConvKernel kernel, float[]? bias, FeatureMap? residual, FeatureMap y)
    {
        int ho = OutputSize(x.H, KernelH, Stride, Padding, Dilation);
        int wo = OutputSize(x.W, KernelW, Stride, Padding, Dilation);
        ExpectGroups(InChannels, OutChannels, Groups, "Conv2d");
        ExpectExtents(x, x.N, InChannels, x.H, x.W, "Conv2d input");
        ExpectExtents(y, x.N, OutChannels, ho, wo, "Conv2d output");
        if (residual is { } r) ExpectExtents(r, x.N, OutChannels, ho, wo, "Conv2d residual");
        kernel.Expect(OutChannels, InChannels / Groups, KernelH * KernelW, "Conv2d");
        if (bias != null) ExpectLength(bias, OutChannels, "Conv2d bias");

        int columnLength = KernelH * KernelW * InChannels;
        Parallel.For(0, x.N * ho, () => new ConvScratch(columnLength, OutChannels), (row, _, scratch) =>
        {
            int n = row / ho, oy = row % ho;
            var (columns, sums) = (scratch.Columns, scratch.Sums);
            for (int ox0 = 0; ox0 < wo; ox0 += TilePixels)
            {
                int count = Math.Min(TilePixels, wo - ox0);
                for (int p = 0; p < count; p++)
                {
                    int ox = ox0 + p;
                    for (int i = 0; i < KernelH; i++)
                    {
                        for (int j = 0; j < KernelW; j++)
                        {
                            int iy = oy * Stride - Padding + i * Dilation;
                            int ix = ox * Stride - Padding + j * Dilation;
                            var tap = columns.AsSpan(p * columnLength + (i * KernelW + j) * InChannels, InChannels);
                            if (iy >= 0 && iy < x.H && ix >= 0 && ix < x.W)
                                x.Data.AsSpan(x.Index(n, iy, ix, 0), InChannels).CopyTo(tap);
                            else
                                tap.Clear();
                        }
                    }
                }
                MultiplyColumns(columns, count, columnLength, kernel, InChannels, Groups, sums);
                for (int p = 0; p < count; p++)
                    StoreOutput(sums.AsSpan(p * OutChannels, OutChannels), bias, residual, Activation, y, n, oy, ox0 + p);
            }
            return scratch;
        }, _ => { });
    }

    /// <summary>
    /// Output pixels of one row computed together: each weight row is then read once per tile
    /// instead of once per pixel, which keeps the reference memory-light without changing any sum.
    /// </summary>
    internal const int TilePixels = 16;

    internal static void ExpectGroups(int inChannels, int outChannels, int groups, string what)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ShapeException($"{what}: {inChannels} input and {outChannels} output channels do not split into {groups} groups");
    }

    /// <summary>
    /// For each of the first <paramref name="count"/> pixels p of the tile:
    /// sums[p, o] = Σ over taps k and the input channels c of o's group: columns[p, k, c] · weight[o, c, k],
    /// in double. <paramref name="columns"/> is [pixel][tap][Cin]. The update runs over output channels with SIMD
    /// vectors: each sum still adds the same products in the same order (no fused multiply-add),
    /// so the result is identical to a scalar loop, only faster.
    /// </summary>
    internal static void MultiplyColumns(ReadOnlySpan<float> columns, int count, int columnLength, ConvKernel kernel,
        int inChannels, int groups, Span<double> sums)
    {
        int outChannels = kernel.OutChannels;
        double[] tapWeights = kernel.TapMajor;
        sums[..(count * outChannels)].Clear();
        int inPerGroup = inChannels / groups, outPerGroup = outChannels / groups;
        int taps = columnLength / inChannels;
        for (int k = 0; k < taps; k++)
        {
            for (int c = 0; c < inChannels; c++)
            {
                int g = c / inPerGroup;
                var weights = tapWeights.AsSpan((k * inPerGroup + c % inPerGroup) * outChannels + g * outPerGroup, outPerGroup);
                for (int p = 0; p < count; p++)
                {
                    double value = columns[p * columnLength + k * inChannels + c];
                    if (value != 0) // padding and out-of-map samples add nothing
                        AddScaled(sums.Slice(p * outChannels + g * outPerGroup, outPerGroup), value, weights);
                }
            }
        }
    }

    /// <summary>acc[o] += value · weights[o], vectorised over o.</summary>
    private static void AddScaled(Span<double> acc, double value, ReadOnlySpan<double> weights)
    {
        int o = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref double a = ref MemoryMarshal.GetReference(acc);
            ref double w = ref MemoryMarshal.GetReference(weights);
            var scale = new Vector<double>(value);
            for (; o <= acc.Length - Vector<double>.Count; o += Vector<double>.Count)
                (Vector.LoadUnsafe(ref a, (nuint)o) + scale * Vector.LoadUnsafe(ref w, (nuint)o)).StoreUnsafe(ref a, (nuint)o);
        }
        for (; o < acc.Length; o++)
            acc[o] += value * weights[o];
    }

    /// <summary>The fused epilogue: y[n, oy, ox, :] = act(float(sum + bias + residual)).</summary>
    internal static void StoreOutput(ReadOnlySpan<double> sum, float[]? bias, FeatureMap? residual, Activation activation, FeatureMap y, int n, int oy, int ox)
    {
        int at = y.Index(n, oy, ox, 0);
        for (int o = 0; o < sum.Length; o++)
        {
            double value = sum[o];
            if (bias != null) value += bias[o];
            if (residual is { } r) value += r.Data[r.Index(n, oy, ox, o)];
            y.Data[at + o] = Activate((float)value, activation);
        }
    }
}
