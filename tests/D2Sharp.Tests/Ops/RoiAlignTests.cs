using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference RoiAlign (torchvision's roi_align behind Detectron2's ROIPooler); the sweep is in the backend-op harness.</summary>
[TestFixture]
public class RoiAlignTests
{
    /// <summary>One 1×1×4×4 map whose value is its x coordinate, one box, output 2×2 with one sample per bin.</summary>
    private static float[] PoolRamp(bool aligned, float[] box, int count = 1)
    {
        var map = new float[16];
        for (int i = 0; i < 16; i++) map[i] = i % 4;
        var op = new RoiAlign { Scales = [1f], OutputSize = 2, SamplingRatio = 1, Aligned = aligned };
        return RunReference(op, [Nchw(map, 1, 1, 4, 4), new Tensor([1, 1, 4], box), new Tensor([1], [count])]);
    }

    [Test]
    public void RoiAlignV2SamplesHalfAPixelEarlier()
    {
        // Box x 0…4: bins 2 wide from −0.5 (V2) or 0, sampled at their centres: x = 0.5, 2.5 (V2) or 1, 3.
        Assert.That(PoolRamp(aligned: true, [0, 0, 4, 4]), Is.EqualTo(new[] { 0.5f, 2.5f, 0.5f, 2.5f }));
        Assert.That(PoolRamp(aligned: false, [0, 0, 4, 4]), Is.EqualTo(new[] { 1f, 3f, 1f, 3f }));
    }

    [Test]
    public void SamplesWithinAPixelOfTheEdgeClampToItAndFartherOnesCountAsZero()
    {
        // Box x 1…5 (V2): samples at x = 1.5 and 3.5, past the last pixel centre (3) but inside x ≤ W: 1.5 and 3.
        Assert.That(PoolRamp(aligned: true, [1, 0, 5, 4]), Is.EqualTo(new[] { 1.5f, 3f, 1.5f, 3f }));
        // Box x 2…6: the second sample, x = 4.5, lies beyond x = W = 4 and contributes zero.
        Assert.That(PoolRamp(aligned: true, [2, 0, 6, 4]), Is.EqualTo(new[] { 2.5f, 0f, 2.5f, 0f }));
    }

    [Test]
    public void RowsPastTheCountAreZero() =>
        Assert.That(PoolRamp(aligned: true, [0, 0, 4, 4], count: 0), Is.EqualTo(new float[4]));

    [Test]
    public void ABoxWithANegativeAreaHasNoLevelAndPoolsToZero()
    {
        // Its level is NaN, which Detectron2's assign_boxes_to_levels matches to no level; with one level every box is pooled.
        var op = new RoiAlign { Scales = [1 / 4f, 1 / 8f], OutputSize = 1, SamplingRatio = 1 };
        var y = RunReference(op, [Nchw(Enumerable.Repeat(1f, 64).ToArray(), 1, 1, 8, 8), Nchw(Enumerable.Repeat(2f, 16).ToArray(), 1, 1, 4, 4),
            new Tensor([1, 2, 4], [8f, 0, 0, 8, 0, 0, 8, 8]), new Tensor([1], [2])]);
        Assert.That(y, Is.EqualTo(new[] { 0f, 1f }));
        Assert.That(new RoiAlign { Scales = [1 / 4f] }.LevelIndex(8, 0, 0, 8), Is.Zero);
    }

    [TestCase(224f, 1)]
    [TestCase(50f, 0)]
    [TestCase(1000f, 1)]
    public void BoxesGoToTheLevelOfTheirSizeClampedToTheMapsGiven(float size, int expected) =>
        Assert.That(new RoiAlign { Scales = [1 / 4f, 1 / 8f] }.LevelIndex(0, 0, size, size), Is.EqualTo(expected));

    [TestCase(111.9f, 0)]
    [TestCase(112f, 1)]
    [TestCase(224f, 2)]
    [TestCase(448f, 3)]
    public void TheCanonicalBoxOf224PixelsIsLevel4(float size, int expected) =>
        Assert.That(new RoiAlign { Scales = [1 / 4f, 1 / 8f, 1 / 16f, 1 / 32f] }.LevelIndex(10, 10, 10 + size, 10 + size), Is.EqualTo(expected));

    [Test]
    public void ScalesThatAreNotConsecutivePowersOfTwoAreAShapeError()
    {
        var op = new RoiAlign { Scales = [1 / 4f, 1 / 16f] };
        Assert.That(() => op.InferShapes([[1, 8, 16, 16], [1, 8, 4, 4], [1, 3, 4], [1]]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("consecutive"));
    }
}
