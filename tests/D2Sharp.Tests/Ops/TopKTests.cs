using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference TopK; the sweep is in the backend-op harness.</summary>
[TestFixture]
public class TopKTests
{
    private static (float[] Values, long[] Indices, int[] Count) Run(TopK op, Tensor scores)
    {
        var y = RunReferenceOutputs(op, [scores]);
        return (y[0].Data, y[1].Span<long>().ToArray(), y[2].Span<int>().ToArray());
    }

    [Test]
    public void FeatureMapsAreReadInDetectron2sFlattenedOrder()
    {
        // NCHW [1, 2, 1, 2]: channel 0 = [1, 4], channel 1 = [3, 2]; flattened (y·W + x)·C + c = [1, 3, 4, 2].
        var (values, indices, count) = Run(new TopK { K = 3 }, Nchw([1, 4, 3, 2], 1, 2, 1, 2));
        Assert.That(values, Is.EqualTo(new float[] { 4, 3, 2 }));
        Assert.That(indices, Is.EqualTo(new long[] { 2, 1, 3 }));
        Assert.That(count, Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void EqualScoresKeepTheLowerIndexFirstAndNaNRanksAboveEverything()
    {
        var (values, indices, _) = Run(new TopK { K = 4 }, Nchw([5, 7, 5, float.NaN, 7], 1, 5));
        Assert.That(values, Is.EqualTo(new[] { float.NaN, 7, 7, 5 }));
        Assert.That(indices, Is.EqualTo(new long[] { 3, 1, 4, 0 }));
    }

    [Test]
    public void SignedZerosTieAndInfinitiesRankAtTheEnds()
    {
        var (values, indices, _) = Run(new TopK { K = 6 }, Nchw([-0f, float.NegativeInfinity, 0f, float.PositiveInfinity, -1f, 1f], 1, 6));
        Assert.That(indices, Is.EqualTo(new long[] { 3, 5, 0, 2, 4, 1 }));
        Assert.That(values, Is.EqualTo(new[] { float.PositiveInfinity, 1, 0, 0, -1, float.NegativeInfinity }));
    }

    [Test]
    public void WithSigmoidTheThresholdAndTheValuesAreProbabilities()
    {
        // sigmoid(0) = 0.5 is not above 0.5; sigmoid(2) = 0.8808 and sigmoid(3) = 0.9526 are.
        var (values, indices, count) = Run(new TopK { K = 3, ScoreThreshold = 0.5f, Sigmoid = true }, Nchw([0, 2, -3, 3], 1, 4));
        Assert.That(count, Is.EqualTo(new[] { 2 }));
        Assert.That(indices, Is.EqualTo(new long[] { 3, 1, -1 }));
        Assert.That(values[..2], Is.EqualTo(new[] { 0.95257413f, 0.8807971f }).Within(1e-6f));
    }

    [Test]
    public void KLargerThanTheInputKeepsEverything()
    {
        var (values, indices, count) = Run(new TopK { K = 1000 }, Nchw([0.5f, -1, 2], 1, 3));
        Assert.That(values, Is.EqualTo(new float[] { 2, 0.5f, -1 }));
        Assert.That(indices, Is.EqualTo(new long[] { 2, 0, 1 }));
        Assert.That(count, Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void ThresholdCountsTheCandidatesPerItemAndFillsTheRest()
    {
        var (values, indices, count) = Run(new TopK { K = 3, ScoreThreshold = 0.5f }, Nchw([0.9f, 0.5f, 0.7f, 0.1f, 0.2f, 0.3f], 2, 3));
        Assert.That(count, Is.EqualTo(new[] { 2, 0 }), "0.5 is not above the threshold");
        Assert.That(values, Is.EqualTo(new[] { 0.9f, 0.7f, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity }));
        Assert.That(indices, Is.EqualTo(new long[] { 0, 2, -1, -1, -1, -1 }));
    }

    [Test]
    public void OutputsAreTypedAndBounded()
    {
        var y = RunReferenceOutputs(new TopK { K = 2 }, [Nchw([1, 2, 3], 1, 3)]);
        Assert.That(y.Select(t => t.Type), Is.EqualTo(new[] { DataType.Float32, DataType.Int64, DataType.Int32 }));
        Assert.That(y.Select(t => t.Shape), Is.EqualTo(new[] { new[] { 1, 2 }, new[] { 1, 2 }, new[] { 1 } }));
    }
}
