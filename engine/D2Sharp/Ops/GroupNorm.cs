using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// GroupNorm as <c>nn.GroupNorm(Groups, Channels)</c> with eps 1e-5 (biased variance per sample and
/// group), affine weight/bias, then an optional ReLU.
/// </summary>
public sealed class GroupNorm : Op
{
    public int Groups { get; init; }
    public int Channels { get; init; }
    public float Eps { get; init; } = 1e-5f;
    public Activation Activation { get; init; }

    public override string Kind => "GroupNorm";

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "GroupNorm input");
        if (x[1] != Channels) throw new ShapeException($"GroupNorm expects {Channels} channels, got {x[1]}");
        return (int[])x.Clone();
    }

    public override IEnumerable<ParameterSpec> Parameters =>
        [new("weight", [Channels]), new("bias", [Channels])];

    public override string Describe() => $"groups={Groups} C={Channels}" + (Activation == Activation.Relu ? " +relu" : "");

    public void Reference(FeatureMap x, float[] gamma, float[] beta, FeatureMap y)
    {
        throw new NotImplementedException();
    }
}
