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

    /// <summary>
    /// y = act((x − mean) / sqrt(var + eps) · gamma + beta), mean and biased variance over each
    /// sample's group of Channels/Groups channels × H × W. Statistics are taken in double (two
    /// passes), so they carry no summation-order error for a fast backend to be blamed for.
    /// <paramref name="y"/> may be <paramref name="x"/> itself.
    /// </summary>
    public void Reference(FeatureMap x, float[] gamma, float[] beta, FeatureMap y)
    {
        if (Groups <= 0 || Channels % Groups != 0)
            throw new ShapeException($"GroupNorm: {Channels} channels do not split into {Groups} groups");
        ExpectExtents(x, x.N, Channels, x.H, x.W, "GroupNorm input");
        ExpectExtents(y, x.N, Channels, x.H, x.W, "GroupNorm output");
        ExpectLength(gamma, Channels, "GroupNorm weight");
        ExpectLength(beta, Channels, "GroupNorm bias");

        int perGroup = Channels / Groups;
        for (int n = 0; n < x.N; n++)
        {
            for (int g = 0; g < Groups; g++)
            {
                var (mean, variance) = GroupStatistics(x, n, g * perGroup, perGroup);
                double invStd = 1.0 / Math.Sqrt(variance + Eps);
                for (int c = g * perGroup; c < (g + 1) * perGroup; c++)
                {
                    double scale = invStd * gamma[c];
                    for (int iy = 0; iy < x.H; iy++)
                        for (int ix = 0; ix < x.W; ix++)
                            y[n, iy, ix, c] = Activate((float)((x[n, iy, ix, c] - mean) * scale + beta[c]), Activation);
                }
            }
        }
    }

    private static (double Mean, double Variance) GroupStatistics(FeatureMap x, int n, int firstChannel, int channels)
    {
        double count = (double)channels * x.H * x.W;
        double sum = 0;
        for (int c = firstChannel; c < firstChannel + channels; c++)
            for (int iy = 0; iy < x.H; iy++)
                for (int ix = 0; ix < x.W; ix++)
                    sum += x[n, iy, ix, c];
        double mean = sum / count;
        double squares = 0;
        for (int c = firstChannel; c < firstChannel + channels; c++)
            for (int iy = 0; iy < x.H; iy++)
                for (int ix = 0; ix < x.W; ix++)
                {
                    double d = x[n, iy, ix, c] - mean;
                    squares += d * d;
                }
        return (mean, squares / count);
    }
}
