using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference GroupNorm; the shape sweep is in the backend-op harness.</summary>
[TestFixture]
public class GroupNormTests
{
    private static float[] Run(GroupNorm op, float[] x, int n, int h, int w, float[] gamma, float[] beta) =>
        RunReference(op, [Nchw(x, n, op.Channels, h, w)],
            new() { ["weight"] = Nchw(gamma, gamma.Length), ["bias"] = Nchw(beta, beta.Length) });

    [Test]
    public void OneGroupNormalisesOverAllChannelsAndPixels()
    {
        // values 1, 2 | 3, 4: mean 2.5, biased variance 1.25
        var op = new GroupNorm { Groups = 1, Channels = 2 };
        var y = Run(op, [1, 2, 3, 4], 1, 1, 2, [1, 2], [0, 1]);
        double s = Math.Sqrt(1.25 + 1e-5);
        Assert.That(y, Is.EqualTo(new[] { -1.5 / s, -0.5 / s, 2 * 0.5 / s + 1, 2 * 1.5 / s + 1 }).Within(1e-6));
        Assert.That(y, Is.EqualTo(new[] { -1.341635, -0.447212, 1.894424, 3.683271 }).Within(1e-5));
    }

    [Test]
    public void TwoGroupsHaveTheirOwnStatisticsAndReluClipsNegatives()
    {
        // group 0 = channel 0 [1, 2] (mean 1.5, var 0.25); group 1 = channel 1 [3, 5] (mean 4, var 1)
        var op = new GroupNorm { Groups = 2, Channels = 2, Activation = Activation.Relu };
        var y = Run(op, [1, 2, 3, 5], 1, 2, 1, [1, 1], [0, 0.5f]);
        Assert.That(y, Is.EqualTo(new[] { 0, 0.5 / Math.Sqrt(0.25 + 1e-5), 0, 1 / Math.Sqrt(1 + 1e-5) + 0.5 }).Within(1e-6));
    }

    [Test]
    public void SamplesInABatchAreNormalisedSeparately()
    {
        var op = new GroupNorm { Groups = 1, Channels = 1 };
        Assert.That(Run(op, [0, 2, 100, 300], 2, 1, 2, [1], [0]), Is.EqualTo(new[] { -1, 1, -1, 1 }).Within(1e-4));
    }

    [Test]
    public void ConstantGroupGivesTheBias()
    {
        var op = new GroupNorm { Groups = 1, Channels = 2 };
        Assert.That(Run(op, [7, 7, 7, 7], 1, 1, 2, [3, 3], [0.25f, -2]), Is.EqualTo(new float[] { 0.25f, 0.25f, -2, -2 }));
    }

    [Test]
    public void AnInfiniteInputMakesItsGroupNaN()
    {
        var op = new GroupNorm { Groups = 2, Channels = 2 };
        var y = Run(op, [1, float.PositiveInfinity, 3, 5], 1, 1, 2, [1, 1], [0, 0]);
        Assert.That(y[0..2], Is.All.NaN);
        Assert.That(y[2..4], Is.EqualTo(new[] { -1, 1 }).Within(1e-4));
    }

    [Test]
    public void ChannelsThatDoNotSplitIntoTheGroupsAreAShapeError()
    {
        var op = new GroupNorm { Groups = 4, Channels = 6 };
        Assert.That(() => Run(op, new float[6], 1, 1, 1, new float[6], new float[6]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("6 channels do not split into 4 groups"));
    }
}
