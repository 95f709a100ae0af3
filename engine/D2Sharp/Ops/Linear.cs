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
    public int InFeatures { get; init; }
    public int OutFeatures { get; init; }
    public bool HasBias { get; init; } = true;
    public Activation Activation { get; init; }

    public override string Kind => "Linear";
    public override bool IsRowWise => true;
    public override bool ProducesFeatureMap => false;

    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        if (x.Length is not (2 or 4)) throw new ShapeException($"Linear input must be [R, In] or [R, C, H, W], got {Tensor.ShapeString(x)}");
        long features = Tensor.CountElements(x) / Math.Max(x[0], 1);
        if (features != InFeatures) throw new ShapeException($"Linear expects {InFeatures} input features, got {Tensor.ShapeString(x)}");
        if (OutFeatures <= 0) throw new ShapeException($"Linear needs output features > 0, got {OutFeatures}");
        return [[x[0], OutFeatures]];
    }

    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) => (long)outputs[0][0] * InFeatures * OutFeatures;

    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [OutFeatures, InFeatures]);
            if (HasBias) yield return new("bias", [OutFeatures]);
        }
    }

    public override string Describe() => $"{InFeatures}->{OutFeatures}{(HasBias ? "" : " no-bias")}{DescribeActivation(Activation)}";
}
