using D2Sharp.Runtime;

namespace D2Sharp.Tests.Runtime;

/// <summary>detector_postprocess and the mask paste on hand-worked inputs.</summary>
[TestFixture]
public class InstancesTests
{
    [Test]
    public void BoxesAreScaledToTheOriginalSizeClippedAndEmptyOnesDropped()
    {
        // Resized 50×100 → original 100×200: ×2. The second box leaves the image; the third is empty after clipping.
        var instances = Instances.Postprocess([10, 5, 20, 15, 90, 40, 120, 60, 101, 0, 110, 10], [0.9f, 0.8f, 0.7f], [1, 2, 3], (50, 100), (100, 200));
        Assert.That(instances.Count, Is.EqualTo(2));
        Assert.That(instances.Boxes, Is.EqualTo(new float[] { 20, 10, 40, 30, 180, 80, 200, 100 }));
        Assert.That(instances.Classes, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(instances.Masks, Is.Null);
    }

    [Test]
    public void AMaskOfOnesFillsItsBoxAndSpillsAtMostAPixelAroundIt()
    {
        var probs = Enumerable.Repeat(1f, 28 * 28).ToArray();
        var instances = Instances.Postprocess([4, 6, 14, 10], [0.9f], [0], (20, 20), (20, 20), new HeadOutputs(probs, 28, default, 0, 0));
        var mask = instances.Masks!.Single();
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++)
            {
                bool inside = x >= 4 && x < 14 && y >= 6 && y < 10;
                bool around = x >= 3 && x < 15 && y >= 5 && y < 11;
                if (inside) Assert.That(mask[y, x], Is.True, $"({y}, {x}) inside the box");
                if (!around) Assert.That(mask[y, x], Is.False, $"({y}, {x}) beyond the pasted region");
            }
    }

    [TestCase(0.51f, 100)]
    [TestCase(0.49f, 0)]
    public void TheThresholdIsOneHalf(float probability, int inside)
    {
        var probs = Enumerable.Repeat(probability, 28 * 28).ToArray();
        var mask = Instances.Postprocess([2, 2, 12, 12], [1f], [0], (16, 16), (16, 16), new HeadOutputs(probs, 28, default, 0, 0)).Masks![0];
        int set = 0;
        for (int y = 2; y < 12; y++)
            for (int x = 2; x < 12; x++)
                if (mask[y, x]) set++;
        Assert.That(set, Is.EqualTo(inside));
    }

    [Test]
    public void RleCountsRunColumnMajorStartingWithZeros()
    {
        // Box x 1…2 in a 3×3 image: only the middle column's centres map inside the mask's samples.
        var probs = Enumerable.Repeat(1f, 28 * 28).ToArray();
        var mask = Instances.Postprocess([1, 0, 2, 3], [1f], [0], (3, 3), (3, 3), new HeadOutputs(probs, 28, default, 0, 0)).Masks![0];
        Assert.That(mask.ToRleCounts(), Is.EqualTo(new long[] { 3, 3, 3 }));
        Assert.That(mask.Area, Is.EqualTo(3));
        var bytes = new byte[9];
        mask.CopyTo(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 0, 1, 0, 0, 1, 0, 0, 1, 0 }));
    }
}
