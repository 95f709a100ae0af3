using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference UpsampleAdd; the shape sweep is in the backend-op harness.</summary>
[TestFixture]
public class UpsampleAddTests
{
    private static float[] Run(UpsampleAdd op, float[] top, int h, int w, float[] lateral) =>
        RunReference(op, [Nchw(top, 1, 1, h, w), Nchw(lateral, 1, 1, 2 * h, 2 * w)]);

    private static float[] Filled(int length, float value) => Enumerable.Repeat(value, length).ToArray();

    [Test]
    public void NearestSumRepeatsEachTopPixelTwiceEachWay()
    {
        var op = new UpsampleAdd { Mode = UpsampleMode.Nearest, Fuse = FuseType.Sum };
        Assert.That(Run(op, [1, 2, 3, 4], 2, 2, Filled(16, 10)), Is.EqualTo(new float[]
        {
            11, 11, 12, 12,
            11, 11, 12, 12,
            13, 13, 14, 14,
            13, 13, 14, 14,
        }));
    }

    [Test]
    public void AvgHalvesTheSum()
    {
        var op = new UpsampleAdd { Mode = UpsampleMode.Nearest, Fuse = FuseType.Avg };
        float[] lateral = [10, 20, 30, 40, 0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1];
        Assert.That(Run(op, [2, 4, 6, 8], 2, 2, lateral), Is.EqualTo(new float[]
        {
            6, 11, 17, 22,
            1, 1, 2, 2,
            3.5f, 3.5f, 4.5f, 4.5f,
            2.5f, 2.5f, 3.5f, 3.5f,
        }));
    }

    [Test]
    public void BilinearUsesHalfPixelCentresAndClampsAtTheBorders()
    {
        // top rows [0, 4] and [8, 12]: source coordinate (dst + 0.5)/2 − 0.5, clamped to [0, size − 1]
        var op = new UpsampleAdd { Mode = UpsampleMode.Bilinear, Fuse = FuseType.Sum };
        Assert.That(Run(op, [0, 4, 8, 12], 2, 2, Filled(16, 0)), Is.EqualTo(new float[]
        {
            0, 1, 3, 4,
            2, 3, 5, 6,
            6, 7, 9, 10,
            8, 9, 11, 12,
        }));
    }

    [Test]
    public void BilinearOnASinglePixelIsConstant()
    {
        var op = new UpsampleAdd { Mode = UpsampleMode.Bilinear, Fuse = FuseType.Avg };
        Assert.That(Run(op, [3], 1, 1, [1, 2, 3, 4]), Is.EqualTo(new float[] { 2, 2.5f, 3, 3.5f }));
    }

    [Test]
    public void LateralNotTwiceTheTopIsAShapeError()
    {
        var op = new UpsampleAdd();
        Assert.That(() => RunReference(op, [Nchw(new float[4], 1, 1, 2, 2), Nchw(new float[12], 1, 1, 3, 4)]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("is not twice top"));
    }
}
