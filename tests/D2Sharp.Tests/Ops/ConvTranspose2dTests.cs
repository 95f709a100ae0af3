using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference ConvTranspose2d; the sweep is in the backend-op harness.</summary>
[TestFixture]
public class ConvTranspose2dTests
{
    [Test]
    public void Kernel2Stride2ScattersEachPixelIntoItsOwnBlock()
    {
        // One channel 1×2 input (1, 2), kernel [[1, 2], [3, 4]], bias 10: two 2×2 blocks side by side.
        var op = new ConvTranspose2d { InChannels = 1, OutChannels = 1, Kernel = 2, Stride = 2 };
        var y = RunReference(op, [Nchw([1, 2], 1, 1, 1, 2)], Weight([1, 2, 3, 4], [1, 1, 2, 2], [10]));
        Assert.That(y, Is.EqualTo(new float[] { 11, 12, 12, 14, 13, 14, 16, 18 }));
    }

    [Test]
    public void OverlappingTapsAddAndPaddingCropsTheBorder()
    {
        // Kernel 3 stride 1 padding 1 on a 1×2 input of ones with all-ones weights: output 1×2, each
        // pixel reached by both inputs through taps (1, 0…2) within the crop: 2 each.
        var op = new ConvTranspose2d { InChannels = 1, OutChannels = 1, Kernel = 3, Stride = 1, Padding = 1, HasBias = false };
        var y = RunReference(op, [Nchw([1, 1], 1, 1, 1, 2)], Weight(Enumerable.Repeat(1f, 9).ToArray(), [1, 1, 3, 3]));
        Assert.That(y, Is.EqualTo(new float[] { 2, 2 }));
    }

    [Test]
    public void TheOutputGrowsByStrideMinusTwicePaddingPlusKernel() =>
        Assert.That(new ConvTranspose2d { InChannels = 4, OutChannels = 2, Kernel = 4, Stride = 2, Padding = 1 }.InferShapes([[3, 4, 14, 14]])[0],
            Is.EqualTo(new[] { 3, 2, 28, 28 }));
}
