using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

[TestFixture]
public class AddTests
{
    [TestCase(Activation.None, new float[] { 11, -18, 3.5f, 0 })]
    [TestCase(Activation.Relu, new float[] { 11, 0, 3.5f, 0 })]
    public void AddsElementwiseThenActivates(Activation activation, float[] expected)
    {
        var a = MapFromNchw([1, 2, 3, -4], 1, 2, 1, 2);
        var b = MapFromNchw([10, -20, 0.5f, 4], 1, 2, 1, 2);
        var y = FeatureMap.Allocate(1, 1, 2, 2);
        new Add { Activation = activation }.Reference(a, b, y);
        Assert.That(ToNchw(y), Is.EqualTo(expected));
    }

    [Test]
    public void CanWriteIntoItsFirstInput()
    {
        var a = MapFromNchw([1, 2], 1, 1, 1, 2);
        new Add().Reference(a, MapFromNchw([3, 4], 1, 1, 1, 2), a);
        Assert.That(ToNchw(a), Is.EqualTo(new float[] { 4, 6 }));
    }

    [Test]
    public void DifferentShapesAreAShapeError()
    {
        Assert.That(() => new Add().Reference(FeatureMap.Allocate(1, 2, 2, 1), FeatureMap.Allocate(1, 2, 1, 1), FeatureMap.Allocate(1, 2, 2, 1)),
            Throws.TypeOf<ShapeException>().With.Message.Contains("Add second input"));
    }
}
