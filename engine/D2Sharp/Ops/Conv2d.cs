using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// 2-D convolution with everything Detectron2's ResNet/FPN fuse after it: a bias (its own, or the
/// folded BatchNorm's), an optional residual input added before the activation, and ReLU:
/// y = act(conv(x, weight) + bias + residual), zero padding, PyTorch's stride/dilation/groups.
/// Inputs: x [N,Cin,H,W] (and residual [N,Cout,Ho,Wo] when <see cref="HasResidual"/>).
/// Weight layout is PyTorch's [Cout, Cin/groups, KH, KW].
/// </summary>
public sealed class Conv2d : Op
{
    /// <summary>Cin: channels of the input x; must divide by <see cref="Groups"/>.</summary>
    public int InChannels { get; init; }
    /// <summary>Cout: channels of the output; must divide by <see cref="Groups"/>.</summary>
    public int OutChannels { get; init; }
    /// <summary>Kernel height in pixels (torch <c>kernel_size[0]</c>).</summary>
    public int KernelH { get; init; }
    /// <summary>Kernel width in pixels (torch <c>kernel_size[1]</c>).</summary>
    public int KernelW { get; init; }
    /// <summary>Stride in pixels, the same along H and W (torch <c>stride</c>); 1 by default.</summary>
    public int Stride { get; init; } = 1;
    /// <summary>Zero padding in pixels added on each side, the same along H and W (torch <c>padding</c>); 0 by default.</summary>
    public int Padding { get; init; }
    /// <summary>Spacing between kernel taps, the same along H and W (torch <c>dilation</c>; 2 for <c>RES5_DILATION</c>); 1 by default.</summary>
    public int Dilation { get; init; } = 1;
    /// <summary>Number of channel groups (torch <c>groups</c>; ResNeXt's <c>NUM_GROUPS</c>); 1 by default.</summary>
    public int Groups { get; init; } = 1;
    /// <summary>The conv has its own <c>bias</c> parameter (Detectron2: only when it has no norm).</summary>
    public bool HasBias { get; init; }
    /// <summary>A BatchNorm whose <c>norm.*</c> parameters are folded into weight and bias at load time.</summary>
    public FoldedNorm Norm { get; init; }
    /// <summary>Takes a second input, the residual [N, Cout, Ho, Wo], added to the conv's result before the activation.</summary>
    public bool HasResidual { get; init; }
    /// <summary>Activation applied last (after bias and residual); <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Conv2d";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>1, or 2 with <see cref="HasResidual"/> (x, then the residual).</summary>
    public override int Arity => HasResidual ? 2 : 1;

    /// <summary>Each output element reads its residual element once, before it is written.</summary>
    public override int InPlaceInput => HasResidual ? 1 : -1;

    /// <summary>PyTorch's output length along one dimension, ⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, for an input at least as long as the dilated kernel.</summary>
    /// <param name="size">Input length in pixels.</param>
    /// <param name="kernel">Kernel length.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Dilation.</param>
    public static int OutputSize(int size, int kernel, int stride, int padding, int dilation) =>
        (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "Conv2d input");
        ExpectGroups(InChannels, OutChannels, Groups, "Conv2d");
        if (x[1] != InChannels) throw new ShapeException($"Conv2d expects {InChannels} input channels, got {x[1]}");
        int ho = OutputSize(x[2], KernelH, Stride, Padding, Dilation);
        int wo = OutputSize(x[3], KernelW, Stride, Padding, Dilation);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"Conv2d input {Tensor.ShapeString(x)} is too small for kernel {KernelH}x{KernelW}");
        int[] y = [x[0], OutChannels, ho, wo];
        if (HasResidual && !inputs[1].SequenceEqual(y))
            throw new ShapeException($"Conv2d residual {Tensor.ShapeString(inputs[1])} does not match output {Tensor.ShapeString(y)}");
        return [y];
    }

    /// <inheritdoc/>
    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) =>
        Tensor.CountElements(outputs[0]) * (InChannels / Groups) * KernelH * KernelW;

    /// <summary><c>weight</c> [Cout, Cin/groups, KH, KW], <c>bias</c> [Cout] when <see cref="HasBias"/>, and the four <c>norm.*</c> [Cout] tensors when <see cref="Norm"/> is set.</summary>
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

    internal static void ExpectGroups(int inChannels, int outChannels, int groups, string what)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ShapeException($"{what}: {inChannels} input and {outChannels} output channels do not split into {groups} groups");
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        var s = $"{InChannels}->{OutChannels} k={KernelH}x{KernelW} s={Stride} p={Padding}";
        if (Dilation != 1) s += $" d={Dilation}";
        if (Groups != 1) s += $" g={Groups}";
        if (Norm != FoldedNorm.None) s += $" +{Norm}(folded)";
        else if (HasBias) s += " +bias";
        if (HasResidual) s += " +residual";
        return s + DescribeActivation(Activation);
    }
}
