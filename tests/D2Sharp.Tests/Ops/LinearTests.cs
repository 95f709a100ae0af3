using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference Linear; the sweep is in the backend-op harness.</summary>
[TestFixture]
public class LinearTests
{
    [Test]
    public void RowsTimesTheTransposedWeightPlusBiasThenRelu()
    {
        var op = new Linear { InFeatures = 2, OutFeatures = 3, Activation = Activation.Relu };
        var y = RunReference(op, [Nchw([1, 2], 1, 2)], Weight([1, 0, 0, 1, 1, 1], [3, 2], [0, 0, -5]));
        Assert.That(y, Is.EqualTo(new[] { 1f, 2f, 0f }));
    }

    [Test]
    public void AFeatureMapIsFlattenedChannelsFirstAsTorchFlatten()
    {
        // NCHW [1, 2, 1, 2]: channel 0 = (1, 2), channel 1 = (3, 4); flattened (C, H, W) = 1, 2, 3, 4.
        var op = new Linear { InFeatures = 4, OutFeatures = 1, HasBias = false };
        var y = RunReference(op, [Nchw([1, 2, 3, 4], 1, 2, 1, 2)], Weight([1, 10, 100, 1000], [1, 4]));
        Assert.That(y, Is.EqualTo(new[] { 4321f }));
    }

    [Test]
    public void AnInputOfAnotherSizeIsAShapeError() =>
        Assert.That(() => new Linear { InFeatures = 5, OutFeatures = 1 }.InferShapes([[3, 2, 1, 2]]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("expects 5 input features"));
}
