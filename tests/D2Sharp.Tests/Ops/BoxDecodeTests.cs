using D2Sharp.Graph;
using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference BoxDecode (Box2BoxTransform.apply_deltas); the sweep is in the backend-op harness.</summary>
[TestFixture]
public class BoxDecodeTests
{
    private static float[] Decode(BoxDecode op, float[] deltas, int[] deltaShape, float[] anchors, long[] indices) =>
        RunReferenceOutputs(op, [new Tensor(deltaShape, deltas), new Tensor([anchors.Length / 4, 4], anchors), new Tensor([1, indices.Length], indices)])[0].Data;

    [Test]
    public void DeltasMoveTheCentreAndScaleTheSize()
    {
        // Anchor (0, 0, 10, 20): w 10, h 20, centre (5, 10). dx 0.1, dy −0.2, dw ln 2, dh 0:
        // centre (5 + 1, 10 − 4) = (6, 6), size (20, 20).
        var box = Decode(new BoxDecode(), [0.1f, -0.2f, MathF.Log(2), 0], [1, 4, 1, 1], [0, 0, 10, 20], [0]);
        Assert.That(box, Is.EqualTo(new[] { -4f, -4f, 16f, 16f }).Within(1e-5f));
    }

    [Test]
    public void WeightsDivideTheDeltas()
    {
        var op = new BoxDecode { Weights = [10, 10, 5, 5] };
        var box = Decode(op, [1, 2, 5 * MathF.Log(2), 0], [1, 4, 1, 1], [0, 0, 10, 20], [0]);
        Assert.That(box, Is.EqualTo(new[] { -4f, 4f, 16f, 24f }).Within(1e-5f));
    }

    [Test]
    public void SizeDeltasAreClampedAtLog1000Over16()
    {
        var box = Decode(new BoxDecode(), [0, 0, 100, 100], [1, 4, 1, 1], [0, 0, 10, 10], [0]);
        // exp(log(1000 / 16)) · 10 = 625, centred on 5.
        Assert.That(box, Is.EqualTo(new[] { 5 - 312.5f, 5 - 312.5f, 5 + 312.5f, 5 + 312.5f }).Within(1e-2f));
    }

    [Test]
    public void AnAnchorIndexNamesItsCellAndItsSlotInTheChannels()
    {
        // A = 2 anchors per cell on a 1×2 map: anchor 3 is cell 1 (x = 1), slot 1 → channels 4..7 at x = 1.
        var deltas = new float[8 * 2];
        deltas[(4 + 0) * 2 + 1] = 0.5f; // dx of slot 1 at x = 1
        float[] anchors = [0, 0, 1, 1, 0, 0, 2, 2, 10, 0, 11, 1, 10, 0, 14, 4];
        var box = Decode(new BoxDecode(), deltas, [1, 8, 1, 2], anchors, [3]);
        Assert.That(box, Is.EqualTo(new[] { 12f, 0f, 16f, 4f }));
    }

    [Test]
    public void FillerIndicesGiveZeroBoxes()
    {
        var box = Decode(new BoxDecode(), [1, 1, 1, 1], [1, 4, 1, 1], [0, 0, 10, 10], [-1]);
        Assert.That(box, Is.EqualTo(new float[4]));
    }

    [Test]
    public void DeltasThatDoNotCoverTheAnchorsAreAShapeError()
    {
        var graph = new ModelGraph();
        var deltas = graph.AddInput("deltas", DataType.Float32);
        var anchors = graph.AddInput("anchors", DataType.Float32);
        var indices = graph.AddInput("indices", DataType.Int64);
        graph.MarkOutput("boxes", graph.Add("decode", new BoxDecode(), [deltas, anchors, indices]));
        var e = Assert.Throws<ShapeException>(() => ExecutionPlan.Create(graph, [(deltas, [1, 12, 2, 2]), (anchors, [11, 4]), (indices, [1, 5])]));
        Assert.That(e!.Message, Does.Contain("node 'decode' (BoxDecode)").And.Contain("11 anchors"));
    }
}
