using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

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
        var y = FeatureMap.Allocate(n, ho, wo, op.OutChannels);
        op.Reference(MapFromNchw(x, n, op.InChannels, h, w), MapFromNchw(offsetMask, n, op.OffsetChannels, ho, wo), weight, bias, y);
        return ToNchw(y);
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
    public void ZeroOffsetsGiveExactlyTheConvolution(int stride, int dilation)
    {
        var random = new Random(stride * 10 + dilation);
        var op = new DeformConv2d { InChannels = 3, OutChannels = 4, Stride = stride, Dilation = dilation, Padding = dilation, Activation = Activation.Relu };
        var conv = new Conv2d { InChannels = 3, OutChannels = 4, KernelH = 3, KernelW = 3, Stride = stride, Dilation = dilation, Padding = dilation, Activation = Activation.Relu };
        var x = RandomArray(random, 3 * 5 * 6);
        var weight = RandomArray(random, 4 * 3 * 9);
        var bias = RandomArray(random, 4);
        var (ho, wo) = OutputSize(op, 5, 6);

        var deformed = Run(op, x, 1, 5, 6, new float[op.OffsetChannels * ho * wo], weight, bias);
        var plain = FeatureMap.Allocate(1, ho, wo, 4);
        conv.Reference(MapFromNchw(x, 1, 3, 5, 6), weight, bias, null, plain);
        Assert.That(deformed, Is.EqualTo(ToNchw(plain)));
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
        var plain = FeatureMap.Allocate(1, 4, 5, 3);
        conv.Reference(MapFromNchw(x, 1, 2, 4, 5), weight, null, null, plain);
        Assert.That(deformed, Is.EqualTo(ToNchw(plain).Select(v => v * 0.5f).ToArray()));
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
        var x = FeatureMap.Allocate(1, 3, 3, 1);
        var offsets = FeatureMap.Allocate(1, 3, 3, 18);
        var y = FeatureMap.Allocate(1, 3, 3, 1);
        Assert.That(() => op.Reference(x, offsets, new float[9], null, y),
            Throws.TypeOf<ShapeException>().With.Message.Contains("DeformConv2d offset"));
    }

    /// <summary>
    /// Random offsets of a few pixels (many samples fall partly or wholly off the map) and random
    /// mask logits, against a naive NCHW double implementation of torchvision's deform_conv2d
    /// written here from its definition, fed the offset and mask tensors separately as torchvision
    /// takes them.
    /// </summary>
    [Test]
    public void MatchesNaiveDeformConvolutionOverAShapeSweep(
        [Values(1, 2)] int stride, [Values(1, 2)] int dilation, [Values(1, 2)] int groups,
        [Values(1, 2)] int deformableGroups, [Values(false, true)] bool modulated)
    {
        var random = new Random(stride * 1000 + dilation * 100 + groups * 10 + deformableGroups + (modulated ? 5 : 0));
        bool split = groups > 1 || deformableGroups > 1;
        (int In, int Out)[] channelPairs = split ? [(2, 4), (4, 2), (8, 8)] : [(1, 3), (3, 1), (8, 8)];
        foreach (int h in new[] { 1, 5, 7 })
        foreach (int w in new[] { 1, 5, 7 })
        foreach (var (cin, cout) in channelPairs)
        {
            var op = new DeformConv2d
            {
                InChannels = cin, OutChannels = cout, Stride = stride, Padding = dilation, Dilation = dilation,
                Groups = groups, DeformableGroups = deformableGroups, Modulated = modulated,
            };
            var (ho, wo) = OutputSize(op, h, w);
            const int n = 2;
            int taps = 9 * deformableGroups;
            var x = RandomArray(random, n * cin * h * w);
            var weight = RandomArray(random, cout * (cin / groups) * 9);
            var bias = RandomArray(random, cout);
            var offsets = RandomArray(random, n * 2 * taps * ho * wo, scale: 3);
            var logits = modulated ? RandomArray(random, n * taps * ho * wo, scale: 4) : null;

            var expected = NaiveDeformConv(op, x, n, h, w, offsets, logits?.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), weight, bias);
            var actual = Run(op, x, n, h, w, ConcatChannels(offsets, logits, n, ho * wo), weight, bias);
            AssertClose(actual, expected, 1e-5, $"deform {op.Describe()} on {h}x{w} cin={cin} cout={cout}");
        }
    }

    /// <summary>The offset conv's output as Detectron2 reads it: offsets first, then the mask logits (chunk(3)).</summary>
    private static float[] ConcatChannels(float[] offsets, float[]? logits, int n, int pixels)
    {
        if (logits == null) return offsets;
        int offsetPerSample = offsets.Length / n, logitPerSample = logits.Length / n;
        var joined = new float[offsets.Length + logits.Length];
        for (int b = 0; b < n; b++)
        {
            Array.Copy(offsets, b * offsetPerSample, joined, b * (offsetPerSample + logitPerSample), offsetPerSample);
            Array.Copy(logits, b * logitPerSample, joined, b * (offsetPerSample + logitPerSample) + offsetPerSample, logitPerSample);
        }
        return joined;
    }

    /// <summary>
    /// torchvision's deform_conv2d by its definition, per output element, in double. offsets is
    /// [N, 2·DG·K, Ho, Wo] (Δy, Δx pairs per group and tap), mask [N, DG·K, Ho, Wo] or null. The
    /// sampling point itself is a float32 sum, as torchvision forms it.
    /// </summary>
    private static double[] NaiveDeformConv(DeformConv2d op, float[] x, int n, int h, int w, float[] offsets, double[]? mask, float[] weight, float[] bias)
    {
        int k = op.Kernel, taps = k * k, cin = op.InChannels, cout = op.OutChannels;
        var (ho, wo) = OutputSize(op, h, w);
        int inPerGroup = cin / op.Groups, outPerGroup = cout / op.Groups, inPerDeformableGroup = cin / op.DeformableGroups;
        int dgs = op.DeformableGroups;
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            double sum = bias[o];
            for (int ci = 0; ci < inPerGroup; ci++)
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                int c = o / outPerGroup * inPerGroup + ci;
                int dg = c / inPerDeformableGroup;
                int tap = i * k + j;
                float dy = offsets[((b * 2 * taps * dgs + dg * 2 * taps + 2 * tap) * ho + oy) * wo + ox];
                float dx = offsets[((b * 2 * taps * dgs + dg * 2 * taps + 2 * tap + 1) * ho + oy) * wo + ox];
                double m = mask?[((b * taps * dgs + dg * taps + tap) * ho + oy) * wo + ox] ?? 1.0;
                float py = oy * op.Stride - op.Padding + i * op.Dilation + dy;
                float px = ox * op.Stride - op.Padding + j * op.Dilation + dx;
                double sample = BilinearOrZero(x, b, c, op.InChannels, h, w, py, px);
                sum += m * sample * weight[((o * inPerGroup + ci) * k + i) * k + j];
            }
            y[((b * cout + o) * ho + oy) * wo + ox] = sum;
        }
        return y;
    }

    private static double BilinearOrZero(float[] x, int b, int c, int channels, int h, int w, double py, double px)
    {
        if (!(py > -1 && py < h && px > -1 && px < w)) return 0;
        int y0 = (int)Math.Floor(py), x0 = (int)Math.Floor(px);
        double fy = py - y0, fx = px - x0;
        double Pixel(int iy, int ix) => iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((b * channels + c) * h + iy) * w + ix] : 0;
        return (1 - fy) * (1 - fx) * Pixel(y0, x0) + (1 - fy) * fx * Pixel(y0, x0 + 1)
             + fy * (1 - fx) * Pixel(y0 + 1, x0) + fy * fx * Pixel(y0 + 1, x0 + 1);
    }
}
