using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// GroupNorm as <c>nn.GroupNorm(Groups, Channels)</c> with eps 1e-5 (biased variance per sample and
/// group of Channels/Groups channels × H × W), affine weight/bias, then an optional ReLU:
/// y = act((x − mean) / sqrt(var + eps) · weight + bias).
/// </summary>
public sealed class GroupNorm : Op
{
    /// <summary>Number of groups the channels are split into (torch <c>num_groups</c>; 32 in Detectron2's <c>"GN"</c>).</summary>
    public int Groups { get; init; }
    /// <summary>C, channels of the input and output (torch <c>num_channels</c>); must divide by <see cref="Groups"/>.</summary>
    public int Channels { get; init; }
    /// <summary>Added to the variance before the square root; 1e-5 by default, as <c>nn.GroupNorm</c>.</summary>
    public float Eps { get; init; } = 1e-5f;
    /// <summary>Activation applied after the affine transform; <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "GroupNorm";
    /// <inheritdoc/>
    public override bool IsRowWise => true;

    /// <summary>Statistics are taken over a whole group before any of its elements is written.</summary>
    public override int InPlaceInput => 0;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "GroupNorm input");
        if (Groups <= 0 || Channels % Groups != 0)
            throw new ShapeException($"GroupNorm: {Channels} channels do not split into {Groups} groups");
        if (x[1] != Channels) throw new ShapeException($"GroupNorm expects {Channels} channels, got {x[1]}");
        return [(int[])x.Clone()];
    }

    /// <summary><c>weight</c> [C] and <c>bias</c> [C], the affine scale and shift.</summary>
    public override IEnumerable<ParameterSpec> Parameters =>
        [new("weight", [Channels]), new("bias", [Channels])];

    /// <inheritdoc/>
    public override string Describe() => $"groups={Groups} C={Channels}" + DescribeActivation(Activation);
}
