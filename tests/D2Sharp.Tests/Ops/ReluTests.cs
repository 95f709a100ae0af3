using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

[TestFixture]
public class ReluTests
{
    [Test]
    public void ClipsNegativesAndKeepsNaN()
    {
        var x = MapFromNchw([-1, 0, 2.5f, float.NaN], 1, 4, 1, 1);
        var y = FeatureMap.Allocate(1, 1, 1, 4);
        new Relu().Reference(x, y);
        Assert.That(ToNchw(y), Is.EqualTo(new float[] { 0, 0, 2.5f, float.NaN }));
    }

    [Test]
    public void WorksInPlaceOnAViewInsideALargerBuffer()
    {
        var buffer = new float[] { -9, -1, 3, -2, 4, -9 };
        var view = new FeatureMap(buffer, 1, 1, 2, 2, 1);
        new Relu().Reference(view, view);
        Assert.That(buffer, Is.EqualTo(new float[] { -9, 0, 3, 0, 4, -9 }));
    }

    [Test]
    public void MismatchedOutputIsAShapeError()
    {
        Assert.That(() => new Relu().Reference(FeatureMap.Allocate(1, 2, 2, 1), FeatureMap.Allocate(1, 2, 2, 2)),
            Throws.TypeOf<ShapeException>().With.Message.Contains("Relu output"));
    }
}
