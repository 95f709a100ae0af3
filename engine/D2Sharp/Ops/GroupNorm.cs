using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// GroupNorm as <c>nn.GroupNorm(Groups, Channels)</c> with eps 1e-5 (biased variance per sample and
/// group of Channels/Groups channels × H × W), affine weight/bias, then an optional ReLU:
/// y = act((x − mean) / sqrt(var + eps) · weight + bias).
/// </summary>
public sealed class GroupNorm : Op
{
    public int Groups { get; init; }
    public int Channels { get; init; }
    public float Eps { get; init; } = 1e-5f;
    public Activation Activation { get; init; }

    public override string Kind => "GroupNorm";
    public override bool IsRowWise => true;

    /// <summary>Statistics are taken over a whole group before any of its elements is written.</summary>
    public override int InPlaceInput => 0;

    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "GroupNorm input");
        if (Groups <= 0 || Channels % Groups != 0)
            throw new ShapeException($"GroupNorm: {Channels} channels do not split into {Groups} groups");
        if (x[1] != Channels) throw new ShapeException($"GroupNorm expects {Channels} channels, got {x[1]}");
        return [(int[])x.Clone()];
    }

    public override IEnumerable<ParameterSpec> Parameters =>
        [new("weight", [Channels]), new("bias", [Channels])];

    public override string Describe() => $"groups={Groups} C={Channels}" + DescribeActivation(Activation);
}
