using D2Sharp.Ops;
using D2Sharp.Tests.Backends;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference DeformConv2d; the shape sweep is in the backend-op harness.</summary>
[TestFixture]
public class DeformConv2dTests
{
    private static (int Ho, int Wo) OutputSize(DeformConv2d op, int h, int w) =>
        (Conv2d.OutputSize(h, op.Kernel, op.Stride, op.Padding, op.Dilation),
         Conv2d.OutputSize(w, op.Kernel, op.Stride, op.Padding, op.Dilation));

    /// <summary>Runs the op on NCHW arrays; <paramref name="offsetMask"/> is the offset conv's raw NCHW output.</summary>
    private static float[] Run(DeformConv2d op, float[] x, int n, int h, int w, float[] offsetMask, float[] weight, float[]? bias = null)
    {
        var (ho, wo) = OutputSize(op, h, w);
        var parameters = Weight(weight, [op.OutChannels, op.InChannels / op.Groups, op.Kernel, op.Kernel]);
        if (bias != null)
        {
            // Detectron2's deformable convs have no bias of their own: it comes from the folded norm.
            op = new DeformConv2d
            {
                InChannels = op.InChannels, OutChannels = op.OutChannels, Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding,
                Dilation = op.Dilation, Groups = op.Groups, DeformableGroups = op.DeformableGroups, Modulated = op.Modulated,
                Activation = op.Activation, Norm = FoldedNorm.FrozenBN,
            };
            parameters["norm.weight"] = Nchw(Enumerable.Repeat(1f, bias.Length).ToArray(), bias.Length);
            parameters["norm.bias"] = Nchw(bias, bias.Length);
            parameters["norm.running_mean"] = new Tensor([bias.Length]);
            parameters["norm.running_var"] = Nchw(Enumerable.Repeat(1 - 1e-5f, bias.Length).ToArray(), bias.Length);
        }
        return RunReference(op, [Nchw(x, n, op.InChannels, h, w), Nchw(offsetMask, n, op.OffsetChannels, ho, wo)], parameters);
    }

    /// <summary>An offset(+mask) input with the same value in every pixel: channel ch holds perChannel[ch].</summary>
    private static float[] Uniform(float[] perChannel, int n, int ho, int wo)
    {
        var data = new float[n * perChannel.Length * ho * wo];
        for (int i = 0; i < data.Length; i++) data[i] = perChannel[i / (ho * wo) % perChannel.Length];
        return data;
    }

    private static readonly float[] X3x3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly float[] X2x2 = [2, 4, 6, 8];

    private static DeformConv2d Pointwise(int channels = 1, int deformableGroups = 1, int groups = 1, bool modulated = false) => new()
    {
        InChannels = channels, OutChannels = channels, Kernel = 1, Padding = 0,
        Groups = groups, DeformableGroups = deformableGroups, Modulated = modulated,
    };

    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(1, 2)]
    public void ZeroOffsetsGiveTheConvolution(int stride, int dilation)
    {
        var random = new Random(stride * 10 + dilation);
        var op = new DeformConv2d { InChannels = 3, OutChannels = 4, Stride = stride, Dilation = dilation, Padding = dilation };
        var conv = new Conv2d { InChannels = 3, OutChannels = 4, KernelH = 3, KernelW = 3, Stride = stride, Dilation = dilation, Padding = dilation };
        var x = RandomArray(random, 3 * 5 * 6);
        var weight = RandomArray(random, 4 * 3 * 9);
        var (ho, wo) = OutputSize(op, 5, 6);

        var deformed = Run(op, x, 1, 5, 6, new float[op.OffsetChannels * ho * wo], weight);
        var plain = NaiveOps.Conv(conv, x, 1, 5, 6, weight, null, null);
        Assert.That(deformed, Is.EqualTo(plain.Select(v => (float)v).ToArray()).Within(1e-6));
    }

    [Test]
    public void ZeroMaskLogitsHalveTheConvolution()
    {
        var random = new Random(3);
        var op = new DeformConv2d { InChannels = 2, OutChannels = 3, Modulated = true };
        var conv = new Conv2d { InChannels = 2, OutChannels = 3, KernelH = 3, KernelW = 3, Padding = 1 };
        var x = RandomArray(random, 2 * 4 * 5);
        var weight = RandomArray(random, 3 * 2 * 9);

        var deformed = Run(op, x, 1, 4, 5, new float[27 * 4 * 5], weight);
        var plain = NaiveOps.Conv(conv, x, 1, 4, 5, weight, null, null);
        Assert.That(deformed, Is.EqualTo(plain.Select(v => (float)(v * 0.5)).ToArray()).Within(1e-6));
    }

    [Test]
    public void BiasFromTheFoldedNormIsAddedBeforeTheRelu()
    {
        var op = new DeformConv2d { InChannels = 1, OutChannels = 2, Kernel = 1, Padding = 0, Activation = Activation.Relu };
        Assert.That(Run(op, [3], 1, 1, 1, [0, 0], [1, -1], bias: [0.5f, 1]), Is.EqualTo(new float[] { 3.5f, 0 }));
    }

    [Test]
    public void IntegerOffsetsShiftTheSampling()
    {
        Assert.That(Run(Pointwise(), X3x3, 1, 3, 3, Uniform([1, 0], 1, 3, 3), [1]),
            Is.EqualTo(new float[] { 4, 5, 6, 7, 8, 9, 0, 0, 0 }), "Δy = +1 reads the row below; y = H reads 0");
        Assert.That(Run(Pointwise(), X3x3, 1, 3, 3, Uniform([0, -1], 1, 3, 3), [1]),
            Is.EqualTo(new float[] { 0, 1, 2, 0, 4, 5, 0, 7, 8 }), "Δx = −1 reads the column to the left; x = −1 reads 0");
    }

    [Test]
    public void HalfAPixelAboveTheMapReadsHalfTheTopRow()
    {
        Assert.That(Run(Pointwise(), X2x2, 1, 2, 2, Uniform([-0.5f, 0], 1, 2, 2), [1]),
            Is.EqualTo(new float[] { 1, 2, 4, 6 }));
    }

    [Test]
    public void QuarterPixelLeftOfTheMapKeepsTheInsideCornersWeight()
    {
        Assert.That(Run(Pointwise(), X2x2, 1, 2, 2, Uniform([0, -0.75f], 1, 2, 2), [1]),
            Is.EqualTo(new float[] { 0.5f, 2.5f, 1.5f, 6.5f }));
    }

    [Test]
    public void SamplesAtMinusOneAndBeyondTheLastRowReadZero()
    {
        Assert.That(Run(Pointwise(), X2x2, 1, 2, 2, Uniform([-1, 0], 1, 2, 2), [1]), Is.EqualTo(new float[] { 0, 0, 2, 4 }));
        Assert.That(Run(Pointwise(), X2x2, 1, 2, 2, Uniform([0.5f, 0], 1, 2, 2), [1]), Is.EqualTo(new float[] { 4, 6, 3, 4 }),
            "y = H − 0.5 keeps half the last row");
        Assert.That(Run(Pointwise(), X2x2, 1, 2, 2, Uniform([5, 5], 1, 2, 2), [1]), Is.EqualTo(new float[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void EachTapReadsItsOwnOffsetPair()
    {
        var op = new DeformConv2d { InChannels = 1, OutChannels = 1 };
        var weight = new float[9];
        weight[5] = 1; // tap (i=1, j=2): reads x[oy, ox + 1] before deformation
        var perChannel = RandomArray(new Random(9), 18, scale: 3);
        perChannel[10] = 1;  // Δy of tap 5
        perChannel[11] = -1; // Δx of tap 5
        Assert.That(Run(op, X3x3, 1, 3, 3, Uniform(perChannel, 1, 3, 3), weight),
            Is.EqualTo(new float[] { 4, 5, 6, 7, 8, 9, 0, 0, 0 }));
    }

    [Test]
    public void DeformableGroupsUseTheirOwnOffsets()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8]; // channel 0 then channel 1, each 2x2
        var y = Run(Pointwise(channels: 2, deformableGroups: 2, groups: 2), x, 1, 2, 2, Uniform([0, 1, 0, 0], 1, 2, 2), [1, 1]);
        Assert.That(y, Is.EqualTo(new float[] { 2, 0, 4, 0, 5, 6, 7, 8 }));
    }

    [Test]
    public void WeightGroupsShareOneDeformableGroup()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        var y = Run(Pointwise(channels: 2, groups: 2), x, 1, 2, 2, Uniform([0, 1], 1, 2, 2), [2, 3]);
        Assert.That(y, Is.EqualTo(new float[] { 4, 0, 8, 0, 18, 0, 24, 0 }));
    }

    [Test]
    public void ModulatedMaskIsTheSigmoidOfTheLastThirdPerGroup()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        var op = Pointwise(channels: 2, deformableGroups: 2, groups: 2, modulated: true);
        var y = Run(op, x, 1, 2, 2, Uniform([0, 0, 0, 0, 0, MathF.Log(3)], 1, 2, 2), [1, 1]);
        Assert.That(y, Is.EqualTo(new float[] { 0.5f, 1, 1.5f, 2, 3.75f, 4.5f, 5.25f, 6 }).Within(1e-6f));
    }

    [Test]
    public void OffsetWithTheWrongChannelCountIsAShapeError()
    {
        var op = new DeformConv2d { InChannels = 1, OutChannels = 1, Modulated = true };
        Assert.That(() => RunReference(op, [Nchw(new float[9], 1, 1, 3, 3), Nchw(new float[18 * 9], 1, 18, 3, 3)], Weight(new float[9], [1, 1, 3, 3])),
            Throws.TypeOf<ShapeException>().With.Message.Contains("DeformConv2d offset must be [1, 27, 3, 3]"));
    }

    private static float[] RandomArray(Random random, int length, double scale = 1)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return data;
    }
}
