using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference Conv2d; the shape sweep is in the backend-op harness.</summary>
[TestFixture]
public class Conv2dTests
{
    private static float[] Run(Conv2d conv, float[] x, int h, int w, float[] weight, float[]? bias = null, float[]? residual = null)
    {
        int ho = Conv2d.OutputSize(h, conv.KernelH, conv.Stride, conv.Padding, conv.Dilation);
        int wo = Conv2d.OutputSize(w, conv.KernelW, conv.Stride, conv.Padding, conv.Dilation);
        Tensor[] inputs = residual == null
            ? [Nchw(x, 1, conv.InChannels, h, w)]
            : [Nchw(x, 1, conv.InChannels, h, w), Nchw(residual, 1, conv.OutChannels, ho, wo)];
        return RunReference(conv, inputs, Weight(weight, [conv.OutChannels, conv.InChannels / conv.Groups, conv.KernelH, conv.KernelW], bias));
    }

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();

    [Test]
    public void PointwiseConvIsAMatrixProductPlusBias()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 2, KernelH = 1, KernelW = 1, HasBias = true };
        // NCHW x: channel 0 = [1, 3], channel 1 = [2, 4] (two pixels)
        float[] weight = [1, 10, 100, 1000]; // out0 = in0 + 10·in1, out1 = 100·in0 + 1000·in1
        Assert.That(Run(conv, [1, 3, 2, 4], 1, 2, weight, bias: [0.5f, -1f]), Is.EqualTo(new float[] { 21.5f, 43.5f, 2099f, 4299f }));
    }

    [Test]
    public void ThreeByThreeOnesCountsTheTapsInsideTheMap()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        Assert.That(Run(conv, Ones(9), 3, 3, Ones(9)), Is.EqualTo(new float[] { 4, 6, 4, 6, 9, 6, 4, 6, 4 }));
    }

    [Test]
    public void StrideTwoSamplesEveryOtherPosition()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1, Stride = 2 };
        Assert.That(Run(conv, Ones(9), 3, 3, Ones(9)), Is.EqualTo(new float[] { 4, 4, 4, 4 }));
    }

    [Test]
    public void DilationTwoSpreadsTheTaps()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 2, Dilation = 2 };
        Assert.That(Run(conv, Ones(9), 3, 3, Ones(9)), Is.EqualTo(new float[] { 4, 2, 4, 2, 1, 2, 4, 2, 4 }));
    }

    [Test]
    public void KernelIsACrossCorrelationNotFlipped()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        float[] weight = [1, 0, 0, 0, 0, 0, 0, 0, 0]; // top-left tap reads x[oy − 1, ox − 1]
        Assert.That(Run(conv, [1, 2, 3, 4], 2, 2, weight), Is.EqualTo(new float[] { 0, 0, 0, 1 }));
    }

    [Test]
    public void GroupsKeepChannelsApart()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 2, KernelH = 1, KernelW = 1, Groups = 2 };
        Assert.That(Run(conv, [1, 5], 1, 1, [2, 3]), Is.EqualTo(new float[] { 2, 15 }));
    }

    [Test]
    public void ResidualIsAddedBeforeTheRelu()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 3, KernelH = 1, KernelW = 1, HasBias = true, HasResidual = true, Activation = Activation.Relu };
        Assert.That(Run(conv, [1], 1, 1, [1, -1, -1], bias: [0, 0, 0.5f], residual: [0.5f, 0.25f, 2]), Is.EqualTo(new float[] { 1.5f, 0, 1.5f }));
    }

    [Test]
    public void InfiniteWeightOnThePaddingGivesNaNAsInPyTorch()
    {
        // Only the top-left tap is infinite; at output (0, 0) it reads the zero padding: 0·∞ = NaN.
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        float[] weight = [float.PositiveInfinity, 0, 0, 0, 0, 0, 0, 0, 0];
        var y = Run(conv, [1, 2, 3, 4], 2, 2, weight);
        Assert.That(y[0], Is.NaN);
        Assert.That(y[3], Is.EqualTo(float.PositiveInfinity));
    }

    [Test]
    public void ResidualOfTheWrongShapeIsAShapeErrorNamingTheNode()
    {
        var conv = new Conv2d { InChannels = 1, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1, HasResidual = true };
        Assert.That(() => RunReference(conv, [Nchw(new float[16], 1, 1, 4, 4), Nchw(new float[12], 1, 1, 4, 3)], Weight(Ones(9), [1, 1, 3, 3])),
            Throws.TypeOf<ShapeException>().With.Message.Contains("node 'op' (Conv2d)").And.Message.Contains("residual [1, 1, 4, 3]"));
    }

    [Test]
    public void WrongWeightShapeIsACheckpointErrorNamingTheParameter()
    {
        var conv = new Conv2d { InChannels = 2, OutChannels = 1, KernelH = 3, KernelW = 3, Padding = 1 };
        Assert.That(() => RunReference(conv, [Nchw(new float[32], 1, 2, 4, 4)], Weight(Ones(9), [1, 1, 3, 3])),
            Throws.TypeOf<D2Sharp.Weights.CheckpointException>().With.Message.Contains("op.weight").And.Message.Contains("[1, 2, 3, 3]"));
    }
}
