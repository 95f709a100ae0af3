using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked cases of the reference FastRcnnInference (fast_rcnn_inference_single_image); the sweep is in the backend-op harness.</summary>
[TestFixture]
public class FastRcnnInferenceTests
{
    private static (float[] Boxes, float[] Scores, long[] Classes, int Count) Run(FastRcnnInference op, float[] logits, float[] deltas,
        float[] proposals, int height = 100, int width = 100)
    {
        int p = proposals.Length / 4;
        var y = RunReferenceOutputs(op, [new Tensor([p, op.NumClasses + 1], logits), new Tensor([p, deltas.Length / p], deltas),
            new Tensor([1, p, 4], proposals), new Tensor([1], [p]), new Tensor([1, 2], [height, width])]);
        return (y[0].Data, y[1].Data, y[2].Span<long>().ToArray(), y[3].Span<int>()[0]);
    }

    [Test]
    public void EveryClassAboveTheThresholdIsADetectionAndBackgroundIsTheLastLogit()
    {
        // Softmax of (ln 6, ln 3, ln 1) = (0.6, 0.3, 0.1): classes 0 and 1 pass 0.05; the last column is background.
        var op = new FastRcnnInference { NumClasses = 2, DetectionsPerImage = 3 };
        var (boxes, scores, classes, count) = Run(op, [MathF.Log(6), MathF.Log(3), 0], new float[8], [0, 0, 10, 10]);
        Assert.That(count, Is.EqualTo(2));
        Assert.That(scores, Is.EqualTo(new[] { 0.6f, 0.3f, float.NegativeInfinity }).Within(1e-6f));
        Assert.That(classes, Is.EqualTo(new long[] { 0, 1, -1 }));
        Assert.That(boxes, Is.EqualTo(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 0, 0 }));

        var (_, _, _, none) = Run(op, [0, 0, 10], new float[8], [0, 0, 10, 10]);
        Assert.That(none, Is.Zero, "a confident background leaves no class above 0.05");
    }

    [Test]
    public void EachClassDecodesItsOwnDeltasWithTheBoxHeadsWeightsThenClips()
    {
        // Class 1's dx = 10 / wx (10) = 1 box width to the right: (10, 0, 20, 10), clipped to the 15 wide image.
        var op = new FastRcnnInference { NumClasses = 2 };
        var (boxes, _, classes, count) = Run(op, [0, 5, 0], [0, 0, 0, 0, 10, 0, 0, 0], [0, 0, 10, 10], width: 15);
        Assert.That(count, Is.EqualTo(1));
        Assert.That(classes[0], Is.EqualTo(1));
        Assert.That(boxes[..4], Is.EqualTo(new float[] { 10, 0, 15, 10 }));
    }

    [Test]
    public void NmsRunsWithinAClassOnly()
    {
        // Two proposals with IoU 0.8: class 0 keeps the better; class 1, a different class, survives beside it.
        var op = new FastRcnnInference { NumClasses = 2, ClassAgnostic = true };
        float[] logits = [5, -9, 0, 4, 3, 0];
        var (_, scores, classes, count) = Run(op, logits, new float[8], [0, 0, 10, 10, 0, 0, 10, 8]);
        Assert.That(count, Is.EqualTo(2));
        Assert.That(classes[..2], Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(scores[0], Is.GreaterThan(scores[1]));
    }
}
