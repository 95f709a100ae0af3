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
        var y = RunReference(new Add { Activation = activation }, [Nchw([1, 2, 3, -4], 1, 2, 1, 2), Nchw([10, -20, 0.5f, 4], 1, 2, 1, 2)]);
        Assert.That(y, Is.EqualTo(expected));
    }

    [Test]
    public void DifferentShapesAreAShapeError()
    {
        Assert.That(() => RunReference(new Add(), [Nchw(new float[4], 1, 1, 2, 2), Nchw(new float[2], 1, 1, 2, 1)]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("Add: shapes [1, 1, 2, 2] and [1, 1, 2, 1] differ"));
    }
}
