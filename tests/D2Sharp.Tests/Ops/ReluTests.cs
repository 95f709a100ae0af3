using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

[TestFixture]
public class ReluTests
{
    [Test]
    public void ClipsNegativesAndKeepsNaN()
    {
        Assert.That(RunReference(new Relu(), [Nchw([-1, 0, 2.5f, float.NaN], 1, 4, 1, 1)]), Is.EqualTo(new float[] { 0, 0, 2.5f, float.NaN }));
    }
}
