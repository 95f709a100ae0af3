using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// Deformable convolution v1 (<see cref="Modulated"/> false) and v2 (true), as Detectron2's
/// <c>DeformConv</c>/<c>ModulatedDeformConv</c> (= torchvision's <c>deform_conv2d</c>), then the
/// folded norm's bias and ReLU.
/// Inputs: x [N,Cin,H,W] and the raw output of the block's <c>conv2_offset</c>
/// [N, (18 or 27)·DG, Ho, Wo]. For v2 that tensor is split in thirds as Detectron2's
/// <c>chunk(3)</c>: channels [0, 18·DG) are the offsets, [18·DG, 27·DG) go through a sigmoid and
/// become the mask. Offset channel 2·(g·K + k) is Δy and 2·(g·K + k)+1 is Δx for deformable group g
/// and kernel tap k = i·KW + j; input channel c belongs to deformable group c / (Cin/DG). A
/// bilinear sample counts only when −1 &lt; y &lt; H and −1 &lt; x &lt; W; corners outside the map read 0.
/// No bias in Detectron2's blocks; a folded BN supplies one.
/// </summary>
public sealed class DeformConv2d : Op
{
    /// <summary>Cin: channels of the input x; must divide by <see cref="Groups"/> and <see cref="DeformableGroups"/>.</summary>
    public int InChannels { get; init; }
    /// <summary>Cout: channels of the output; must divide by <see cref="Groups"/>.</summary>
    public int OutChannels { get; init; }
    /// <summary>Square kernel size in pixels; 3 by default (Detectron2's deformable blocks are 3×3).</summary>
    public int Kernel { get; init; } = 3;
    /// <summary>Stride in pixels along H and W; 1 by default.</summary>
    public int Stride { get; init; } = 1;
    /// <summary>Zero padding in pixels on each side; 1 by default.</summary>
    public int Padding { get; init; } = 1;
    /// <summary>Spacing between kernel taps along H and W (<c>RES5_DILATION</c>); 1 by default.</summary>
    public int Dilation { get; init; } = 1;
    /// <summary>Channel groups of the convolution (ResNeXt's <c>NUM_GROUPS</c>); 1 by default.</summary>
    public int Groups { get; init; } = 1;
    /// <summary>DG, groups of input channels that share one set of offsets (<c>RESNETS.DEFORM_NUM_GROUPS</c>); 1 by default.</summary>
    public int DeformableGroups { get; init; } = 1;
    /// <summary>True for v2 (<c>RESNETS.DEFORM_MODULATED</c>): the offset input also carries the sigmoid mask, 27·DG channels instead of 18·DG.</summary>
    public bool Modulated { get; init; }
    /// <summary>A BatchNorm whose <c>norm.*</c> parameters are folded into weight and bias at load time; the op has no bias of its own.</summary>
    public FoldedNorm Norm { get; init; }
    /// <summary>Activation applied last; <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "DeformConv2d";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>Two inputs: x and the offset(+mask) tensor [N, <see cref="OffsetChannels"/>, Ho, Wo].</summary>
    public override int Arity => 2;

    /// <summary>Channels of the offset(+mask) input: 18·DG (v1) or 27·DG (v2) for a 3×3 kernel.</summary>
    public int OffsetChannels => (Modulated ? 3 : 2) * Kernel * Kernel * DeformableGroups;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        var off = inputs[1];
        ExpectRank(x, 4, "DeformConv2d input");
        ExpectRank(off, 4, "DeformConv2d offset");
        Conv2d.ExpectGroups(InChannels, OutChannels, Groups, "DeformConv2d");
        if (DeformableGroups <= 0 || InChannels % DeformableGroups != 0)
            throw new ShapeException($"DeformConv2d: {InChannels} input channels do not split into {DeformableGroups} deformable groups");
        if (x[1] != InChannels) throw new ShapeException($"DeformConv2d expects {InChannels} input channels, got {x[1]}");
        int ho = Conv2d.OutputSize(x[2], Kernel, Stride, Padding, Dilation);
        int wo = Conv2d.OutputSize(x[3], Kernel, Stride, Padding, Dilation);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"DeformConv2d input {Tensor.ShapeString(x)} is too small for kernel {Kernel}x{Kernel}");
        int[] expectedOffset = [x[0], OffsetChannels, ho, wo];
        if (!off.SequenceEqual(expectedOffset))
            throw new ShapeException($"DeformConv2d offset must be {Tensor.ShapeString(expectedOffset)}, got {Tensor.ShapeString(off)}");
        return [[x[0], OutChannels, ho, wo]];
    }

    /// <inheritdoc/>
    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) =>
        Tensor.CountElements(outputs[0]) * (InChannels / Groups) * Kernel * Kernel;

    /// <summary><c>weight</c> [Cout, Cin/groups, K, K] and, when <see cref="Norm"/> is set, the four <c>norm.*</c> [Cout] tensors.</summary>
    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [OutChannels, InChannels / Groups, Kernel, Kernel]);
            foreach (var p in Conv2d.BatchNormParameters(Norm, OutChannels)) yield return p;
        }
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        var s = $"{(Modulated ? "v2" : "v1")} {InChannels}->{OutChannels} k={Kernel}x{Kernel} s={Stride} p={Padding}";
        if (Dilation != 1) s += $" d={Dilation}";
        if (Groups != 1) s += $" g={Groups}";
        s += $" dg={DeformableGroups}";
        if (Norm != FoldedNorm.None) s += $" +{Norm}(folded)";
        return s + DescribeActivation(Activation);
    }
}
