using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>Hand-worked values of the reference MaxPool2d; the shape sweep is in the backend-op harness.</summary>
[TestFixture]
public class MaxPool2dTests
{
    private static float[] Run(MaxPool2d pool, float[] x, int h, int w) => RunReference(pool, [Nchw(x, 1, 1, h, w)]);

    private static readonly MaxPool2d Stem = new() { Kernel = 3, Stride = 2, Padding = 1 };
    private static readonly MaxPool2d LastLevel = new() { Kernel = 1, Stride = 2, Padding = 0 };
    private static float[] Count(int length, float sign = 1) => Enumerable.Range(1, length).Select(v => sign * v).ToArray();

    [Test]
    public void StemPoolTakesTheMaxOfEachThreeByThreeWindow()
    {
        // x = 1..16 row-major in 4x4; windows centred on (0,0), (0,2), (2,0), (2,2)
        Assert.That(Run(Stem, Count(16), 4, 4), Is.EqualTo(new float[] { 6, 8, 14, 16 }));
    }

    [Test]
    public void StemPaddingIsMinusInfinityNotZero()
    {
        Assert.That(Run(Stem, Count(16, sign: -1), 4, 4), Is.EqualTo(new float[] { -1, -2, -5, -6 }));
    }

    [Test]
    public void StemPoolOnOddSizeFloorsTheOutput()
    {
        // 5x5 → 3x3 (floor((5 + 2 − 3) / 2) + 1)
        Assert.That(Run(Stem, Count(25), 5, 5), Is.EqualTo(new float[] { 7, 9, 10, 17, 19, 20, 22, 24, 25 }));
    }

    [Test]
    public void KernelOneStrideTwoPicksEveryOtherPixelWithCeilHalfOutput()
    {
        Assert.That(Run(LastLevel, Count(25), 5, 5), Is.EqualTo(new float[] { 1, 3, 5, 11, 13, 15, 21, 23, 25 }));
        Assert.That(Run(LastLevel, Count(12), 3, 4), Is.EqualTo(new float[] { 1, 3, 9, 11 }));
    }

    [Test]
    public void NaNInAWindowPropagates()
    {
        var x = Count(16);
        x[0] = float.NaN;
        Assert.That(Run(Stem, x, 4, 4), Is.EqualTo(new float[] { float.NaN, 8, 14, 16 }));
    }

    [Test]
    public void PaddingOverHalfTheKernelIsAShapeError()
    {
        Assert.That(() => Run(new MaxPool2d { Kernel = 3, Stride = 1, Padding = 2 }, Count(16), 4, 4),
            Throws.TypeOf<ShapeException>().With.Message.Contains("padding at most half the kernel"));
    }
}
