using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked cases of the reference RpnProposals (find_top_rpn_proposals after the top-k); the sweep is in the backend-op harness.</summary>
[TestFixture]
public class RpnProposalsTests
{
    private static (float[] Boxes, float[] Logits, int Count) Run(RpnProposals op, int height, int width, params (float[] Boxes, float[] Logits)[] levels)
    {
        var inputs = levels.SelectMany(l => new[] { new Tensor([1, l.Logits.Length, 4], l.Boxes), new Tensor([1, l.Logits.Length], l.Logits) })
            .Append(new Tensor([1, 2], [height, width])).ToArray();
        var y = RunReferenceOutputs(op, inputs);
        return (y[0].Data, y[1].Data, y[2].Span<int>()[0]);
    }

    private static RpnProposals Op(int levels, double nms = 0.7, int post = 1000, float minSize = 0) =>
        new() { Levels = levels, NmsThreshold = nms, PostNmsTopK = post, MinSize = minSize };

    [Test]
    public void NmsSuppressesAboveTheThresholdOnly()
    {
        // IoU with the first box: (0, 0, 10, 8) 0.8 → suppressed; (0, 0, 10, 7) 0.7 in float32, not above 0.7 → kept.
        var (boxes, logits, count) = Run(Op(1), 100, 100, ([0, 0, 10, 10, 0, 0, 10, 8, 0, 0, 10, 7], [3, 2, 1]));
        Assert.That(count, Is.EqualTo(2));
        Assert.That(boxes[..8], Is.EqualTo(new float[] { 0, 0, 10, 10, 0, 0, 10, 7 }));
        Assert.That(logits, Is.EqualTo(new[] { 3f, 1f, float.NegativeInfinity }));
    }

    [Test]
    public void LevelsDoNotSuppressEachOtherAndAreMergedByLogit()
    {
        var (boxes, logits, count) = Run(Op(2), 100, 100, ([0, 0, 10, 10], [1]), ([0, 0, 10, 10, 50, 50, 60, 60], [2, 0.5f]));
        Assert.That(count, Is.EqualTo(3));
        Assert.That(logits, Is.EqualTo(new[] { 2f, 1f, 0.5f }));
        Assert.That(boxes, Is.EqualTo(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60 }));
    }

    [Test]
    public void BoxesAreClippedToTheImageThenFilteredByMinSize()
    {
        // Image 10 high, 15 wide. The first box clips to (0, 0, 15, 8); the second is 1 wide (not above MIN_SIZE 1);
        // the third clips to an empty box at the right edge.
        var (boxes, _, count) = Run(Op(1, minSize: 1), 10, 15, ([-5, -5, 20, 8, 3, 3, 4, 9, 16, 0, 20, 5], [1, 2, 3]));
        Assert.That(count, Is.EqualTo(1));
        Assert.That(boxes[..4], Is.EqualTo(new float[] { 0, 0, 15, 8 }));
    }

    [Test]
    public void NonFiniteRowsAreDroppedAndRowsPastTheCountAreFiller()
    {
        var (boxes, logits, count) = Run(Op(1), 100, 100,
            ([0, 0, 10, 10, 20, float.NaN, 30, 30, 40, 40, 50, 50], [float.PositiveInfinity, 2, float.NegativeInfinity]));
        Assert.That(count, Is.EqualTo(0));
        Assert.That(logits, Has.All.EqualTo(float.NegativeInfinity));
        Assert.That(boxes, Has.All.EqualTo(0f));
    }

    [Test]
    public void PostNmsTopKKeepsTheBest()
    {
        var (boxes, logits, count) = Run(Op(1, post: 2), 100, 100, ([0, 0, 5, 5, 10, 10, 15, 15, 20, 20, 25, 25], [1, 3, 2]));
        Assert.That(count, Is.EqualTo(2));
        Assert.That(logits, Is.EqualTo(new[] { 3f, 2f }));
        Assert.That(boxes, Is.EqualTo(new float[] { 10, 10, 15, 15, 20, 20, 25, 25 }));
    }

    [Test]
    public void BadSettingsAreShapeErrors()
    {
        Assert.That(() => Op(1, post: 0).InferShapes([[1, 3, 4], [1, 3], [1, 2]]), Throws.TypeOf<ShapeException>().With.Message.Contains("POST_NMS_TOPK"));
        Assert.That(() => Op(1).InferShapes([[1, 3, 4], [1, 4], [1, 2]]), Throws.TypeOf<ShapeException>().With.Message.Contains("do not pair up"));
        Assert.That(() => Op(1).InferShapes([[2, 3, 4], [2, 3], [1, 2]]), Throws.TypeOf<ShapeException>().With.Message.Contains("image_sizes"));
    }
}
