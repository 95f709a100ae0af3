using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

[TestFixture]
public class Conv2dTests
{
    private static float[] Run(Conv2d conv, float[] xNchw, int n, int h, int w, float[] weight, float[]? bias = null, float[]? residualNchw = null)
    {
        int ho = Conv2d.OutputSize(h, conv.KernelH, conv.Stride, conv.Padding, conv.Dilation);
        int wo = Conv2d.OutputSize(w, conv.KernelW, conv.Stride, conv.Padding, conv.Dilation);
        var x = MapFromNchw(xNchw, n, conv.InChannels, h, w);
        FeatureMap? residual = residualNchw == null ? null : MapFromNchw(residualNchw, n, conv.OutChannels, ho, wo);
        var y = FeatureMap.Allocate(n, ho, wo, conv.OutChannels);
        conv.Reference(x, weight, bias, residual, y);
        return ToNchw(y);
    }

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();

    [Test]
    public void PointwiseConvIsAMatrixProductPlusBias()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 2, KernelH = 1, KernelW = 1 };
        // NCHW x: channel 0 = [1, 3], channel 1 = [2, 4] (two pixels)
        float[] x = [1, 3, 2, 4];
        float[] weight = [1, 10, 100, 1000]; // out0 = in0 + 10·in1, out1 = 100·in0 + 1000·in1
        var y = Run(conv, x, 1, 1, 2, weight, bias: [0.5f, -1f]);
        Assert.That(y, Is.EqualTo(new float[] { 21.5f, 43.5f, 2099f, 4299f }));
    }

    [Test]
    public void ThreeByThreeOnesCountsTheTapsInsideTheMap()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        var y = Run(conv, Ones(9), 1, 3, 3, Ones(9));
        Assert.That(y, Is.EqualTo(new float[] { 4, 6, 4, 6, 9, 6, 4, 6, 4 }));
    }

    [Test]
    public void StrideTwoSamplesEveryOtherPosition()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1, Stride = 2 };
        var y = Run(conv, Ones(9), 1, 3, 3, Ones(9));
        Assert.That(y, Is.EqualTo(new float[] { 4, 4, 4, 4 }));
    }

    [Test]
    public void DilationTwoSpreadsTheTaps()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 2, Dilation = 2 };
        var y = Run(conv, Ones(9), 1, 3, 3, Ones(9));
        Assert.That(y, Is.EqualTo(new float[] { 4, 2, 4, 2, 1, 2, 4, 2, 4 }));
    }

    [Test]
    public void KernelIsACrossCorrelationNotFlipped()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        float[] weight = [1, 0, 0, 0, 0, 0, 0, 0, 0]; // top-left tap reads x[oy − 1, ox − 1]
        var y = Run(conv, [1, 2, 3, 4], 1, 2, 2, weight);
        Assert.That(y, Is.EqualTo(new float[] { 0, 0, 0, 1 }));
    }

    [Test]
    public void GroupsKeepChannelsApart()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 2, KernelH = 1, KernelW = 1, Groups = 2 };
        var y = Run(conv, [1, 5], 1, 1, 1, [2, 3]);
        Assert.That(y, Is.EqualTo(new float[] { 2, 15 }));
    }

    [Test]
    public void ResidualIsAddedBeforeTheRelu()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 3, KernelH = 1, KernelW = 1, HasResidual = true, Activation = Activation.Relu };
        var y = Run(conv, [1], 1, 1, 1, [1, -1, -1], bias: [0, 0, 0.5f], residualNchw: [0.5f, 0.25f, 2]);
        Assert.That(y, Is.EqualTo(new float[] { 1.5f, 0, 1.5f }));
    }

    [Test]
    public void MismatchedOutputViewIsAShapeError()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        var x = FeatureMap.Allocate(1, 4, 4, 1);
        var y = FeatureMap.Allocate(1, 4, 3, 1);
        Assert.That(() => conv.Reference(x, Ones(9), null, null, y),
            Throws.TypeOf<ShapeException>().With.Message.Contains("Conv2d output"));
    }

    [Test]
    public void WrongWeightLengthIsAShapeError()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        var x = FeatureMap.Allocate(1, 4, 4, 2);
        var y = FeatureMap.Allocate(1, 4, 4, 1);
        Assert.That(() => conv.Reference(x, Ones(9), null, null, y),
            Throws.TypeOf<ShapeException>().With.Message.Contains("Conv2d weight"));
    }

    /// <summary>
    /// Odd sizes, 1×1 and 3×3 kernels, padding, stride, dilation and groups against a naive NCHW double
    /// convolution written independently here; bias, residual and ReLU all on when fused.
    /// </summary>
    [Test]
    public void MatchesNaiveConvolutionOverAShapeSweep(
        [Values(1, 3)] int kernel, [Values(1, 2)] int stride, [Values(1, 2)] int dilation,
        [Values(1, 2)] int groups, [Values(false, true)] bool samePadding, [Values(false, true)] bool fused)
    {
        var random = new Random(kernel * 1000 + stride * 100 + dilation * 10 + groups + (samePadding ? 3 : 0) + (fused ? 7 : 0));
        int padding = samePadding ? (kernel / 2) * dilation : 0;
        (int In, int Out)[] channelPairs = groups == 1 ? [(1, 3), (3, 1), (8, 8)] : [(2, 4), (4, 2), (8, 8)];
        foreach (int h in new[] { 1, 5, 7 })
        foreach (int w in new[] { 1, 5, 7 })
        foreach (var (cin, cout) in channelPairs)
        {
            var conv = new Conv2d
            {
                InChannels = cin, OutChannels = cout, KernelH = kernel, KernelW = kernel, Stride = stride,
                Padding = padding, Dilation = dilation, Groups = groups, HasResidual = fused,
                Activation = fused ? Activation.Relu : Activation.None,
            };
            int ho = Conv2d.OutputSize(h, kernel, stride, padding, dilation);
            int wo = Conv2d.OutputSize(w, kernel, stride, padding, dilation);
            if (ho <= 0 || wo <= 0) continue;

            const int n = 2;
            var x = RandomArray(random, n * cin * h * w);
            var weight = RandomArray(random, cout * (cin / groups) * kernel * kernel);
            var bias = fused ? RandomArray(random, cout) : null;
            var residual = fused ? RandomArray(random, n * cout * ho * wo) : null;

            var expected = NaiveConv(conv, x, n, h, w, weight, bias, residual);
            var actual = Run(conv, x, n, h, w, weight, bias, residual);
            AssertClose(actual, expected, 1e-6, $"conv {conv.Describe()} on {h}x{w}");
        }
    }

    [Test]
    public void NonSquareKernelMatchesNaiveConvolution()
    {
        var random = new Random(5);
        var conv = new Conv2d { InChannels = 3, OutChannels = 4, KernelH = 1, KernelW = 3, Padding = 1, Stride = 2 };
        var x = RandomArray(random, 3 * 5 * 7);
        var weight = RandomArray(random, 4 * 3 * 3);
        AssertClose(Run(conv, x, 1, 5, 7, weight), NaiveConv(conv, x, 1, 5, 7, weight, null, null), 1e-6, "1x3 conv");
    }

    /// <summary>PyTorch's conv2d by its definition, one output element at a time, in double.</summary>
    private static double[] NaiveConv(Conv2d conv, float[] x, int n, int h, int w, float[] weight, float[]? bias, float[]? residual)
    {
        int cin = conv.InChannels, cout = conv.OutChannels, kh = conv.KernelH, kw = conv.KernelW;
        int ho = Conv2d.OutputSize(h, kh, conv.Stride, conv.Padding, conv.Dilation);
        int wo = Conv2d.OutputSize(w, kw, conv.Stride, conv.Padding, conv.Dilation);
        int inPerGroup = cin / conv.Groups, outPerGroup = cout / conv.Groups;
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            double sum = bias?[o] ?? 0;
            int g = o / outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int iy = oy * conv.Stride - conv.Padding + i * conv.Dilation;
                int ix = ox * conv.Stride - conv.Padding + j * conv.Dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                int c = g * inPerGroup + ci;
                sum += (double)x[((b * cin + c) * h + iy) * w + ix] * weight[((o * inPerGroup + ci) * kh + i) * kw + j];
            }
            int at = ((b * cout + o) * ho + oy) * wo + ox;
            if (residual != null) sum += residual[at];
            y[at] = conv.Activation == Activation.Relu ? Math.Max(sum, 0) : sum;
        }
        return y;
    }
}
