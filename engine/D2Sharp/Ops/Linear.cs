using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// <c>nn.Linear</c> after <c>torch.flatten(x, 1)</c>, with an optional fused ReLU:
/// y = act(x · weightᵀ + bias). Input x [R, In], or a feature map [R, C, H, W] flattened in
/// (C, H, W) order (Detectron2's box head on pooled features). Output [R, Out].
/// Weight layout is PyTorch's [Out, In].
/// </summary>
public sealed class Linear : Op
{
    /// <summary>In: features per input row (C·H·W for a feature-map input).</summary>
    public int InFeatures { get; init; }
    /// <summary>Out: features per output row.</summary>
    public int OutFeatures { get; init; }
    /// <summary>Whether the op has a <c>bias</c> [Out] parameter; true by default, as <c>nn.Linear</c>.</summary>
    public bool HasBias { get; init; } = true;
    /// <summary>Activation applied last; <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Linear";
    /// <inheritdoc/>
    public override bool IsRowWise => true;
    /// <summary>False: the output is a plain [R, Out] array.</summary>
    public override bool ProducesFeatureMap => false;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        if (x.Length is not (2 or 4)) throw new ShapeException($"Linear input must be [R, In] or [R, C, H, W], got {Tensor.ShapeString(x)}");
        long features = Tensor.CountElements(x) / Math.Max(x[0], 1);
        if (features != InFeatures) throw new ShapeException($"Linear expects {InFeatures} input features, got {Tensor.ShapeString(x)}");
        if (OutFeatures <= 0) throw new ShapeException($"Linear needs output features > 0, got {OutFeatures}");
        return [[x[0], OutFeatures]];
    }

    /// <inheritdoc/>
    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) => (long)outputs[0][0] * InFeatures * OutFeatures;

    /// <summary><c>weight</c> [Out, In] and, with <see cref="HasBias"/>, <c>bias</c> [Out].</summary>
    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [OutFeatures, InFeatures]);
            if (HasBias) yield return new("bias", [OutFeatures]);
        }
    }

    /// <inheritdoc/>
    public override string Describe() => $"{InFeatures}->{OutFeatures}{(HasBias ? "" : " no-bias")}{DescribeActivation(Activation)}";
}
