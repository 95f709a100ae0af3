using D2Sharp.IO;
using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>
/// The reference RoiPool (torchvision's roi_pool behind Detectron2's ROIPooler): hand-worked values,
/// and torchvision's own results (<c>tests/fixtures/make_roi_pool_cases.py</c>); the backend-op
/// harness sweeps it.
/// </summary>
[TestFixture]
public class RoiPoolTests
{
    /// <summary>One 1×1×4×6 map whose value is 10·y + x, one box, pooled to <paramref name="size"/>².</summary>
    private static float[] Pool(float[] box, int size = 2, float scale = 1, int count = 1, float[]? map = null)
    {
        map ??= Enumerable.Range(0, 24).Select(i => (float)(10 * (i / 6) + i % 6)).ToArray();
        var op = new RoiPool { Scales = [scale], OutputSize = size };
        return RunReference(op, [Nchw(map, 1, 1, 4, 6), new Tensor([1, 1, 4], box), new Tensor([1], [count])]);
    }

    [Test]
    public void EachBinIsTheMaximumOfThePixelsItCovers()
    {
        // Box x 1…4, y 0…3 with the end pixels: 4×4 pixels, bins of 2: the maxima sit at each bin's bottom right.
        Assert.That(Pool([1, 0, 4, 3]), Is.EqualTo(new[] { 12f, 14f, 32f, 34f }));
    }

    [Test]
    public void BinsOverlapWhereTheBoxDoesNotDivideEvenly()
    {
        // 3 pixels (x 0…2) in 2 bins of 1.5: bin 0 covers x 0…1 (ceil 1.5 = 2), bin 1 x 1…2 (floor 1.5 = 1).
        Assert.That(Pool([0, 0, 2, 0]), Is.EqualTo(new[] { 1f, 2f, 1f, 2f }));
    }

    [Test]
    public void CornersRoundHalfAwayFromZeroAsCDoes()
    {
        // At scale 1/2: x 1 → 0.5 → 1, x 5 → 2.5 → 3, y −1 → −0.5 → −1, y 1 → 0.5 → 1 (to even: 0, 2, 0, 0).
        // Box x 1…3 and y −1…1, 3×3 pixels in bins of 1.5: bin row 0 covers rows −1…0, clipped to row 0; bin row 1 rows 0…1.
        Assert.That(Pool([1, -1, 5, 1], scale: 0.5f), Is.EqualTo(new[] { 2f, 3f, 12f, 13f }));
    }

    [Test]
    public void ABoxWhoseCornersCrossIsOnePixel() =>
        Assert.That(Pool([3, 2, 1, 1], size: 2), Is.EqualTo(new[] { 23f, 23f, 23f, 23f }));

    [Test]
    public void FloatBinEdgesAreTorchvisionsNotExactOnes()
    {
        // 4 pixels in 6 bins of 0.6666667f: bin 2 ends at ceil(3 · 0.6666667f) = ceil(2f) = 2 in float32; in exact
        // arithmetic 2.00000006 would reach pixel 2. A ramp in x shows which pixels each bin covers.
        var row = Pool([0, 0, 3, 0], size: 6).Take(6);
        Assert.That(row, Is.EqualTo(new[] { 0f, 1f, 1f, 2f, 3f, 3f }));
    }

    [Test]
    public void ABinOutsideTheMapIsZeroAndNaNNeverWins()
    {
        var map = new float[24];
        Array.Fill(map, float.NegativeInfinity);
        map[0] = float.NaN;
        map[1] = -5;
        // Box x 0…7 over a 6-wide map: the right bin covers x 4…7, clipped to 4…5 (all −∞: −float.MaxValue, as
        // torchvision starts from −FLT_MAX); the left bin's NaN at x 0 loses to −5 at x 1.
        var y = Pool([0, 0, 7, 0], map: map);
        Assert.That(y[0], Is.EqualTo(-5f));
        Assert.That(y[1], Is.EqualTo(-float.MaxValue));
        // A box wholly right of the map: every bin is empty. So is every bin of a NaN box (torchvision's int cast of NaN is undefined).
        Assert.That(Pool([8, 0, 11, 3]), Is.EqualTo(new float[4]));
        Assert.That(Pool([float.NaN, 0, 3, 3]), Is.EqualTo(new float[4]));
    }

    [Test]
    public void RowsPastTheCountAreZero() =>
        Assert.That(Pool([1, 0, 4, 3], count: 0), Is.EqualTo(new float[4]));

    [Test]
    public void BoxesGoToTheLevelOfTheirSizeAndACrossedBoxToNone()
    {
        // Level 2 (stride 4) is 1 everywhere, level 3 (stride 8) 2; canonical size 16 at level 3.
        var op = new RoiPool { Scales = [1 / 4f, 1 / 8f], OutputSize = 1, CanonicalBoxSize = 16, CanonicalLevel = 3 };
        var fine = Enumerable.Repeat(1f, 64).ToArray();
        var coarse = Enumerable.Repeat(2f, 16).ToArray();
        float[] boxes = [0, 0, 8, 8, 0, 0, 16, 16, 8, 0, 0, 8];
        var y = RunReference(op, [Nchw(fine, 1, 1, 8, 8), Nchw(coarse, 1, 1, 4, 4), new Tensor([1, 3, 4], boxes), new Tensor([1], [3])]);
        Assert.That(y, Is.EqualTo(new[] { 1f, 2f, 0f }));
    }

    private static IReadOnlyDictionary<string, NpyArray> Torchvision =>
        Npz.Read(TestPaths.Fixture("roi_pool_torchvision", "expected.npz"));

    private static IEnumerable<string> TorchvisionCases() =>
        Torchvision.Keys.Where(k => k.EndsWith("_expected")).Select(k => k[..^"_expected".Length]).Order();

    [TestCaseSource(nameof(TorchvisionCases))]
    public void EqualsTorchvisionsRoiPoolBehindDetectron2sLevels(string name)
    {
        var arrays = Torchvision;
        var scales = arrays[$"{name}_scales"].ToTensor().Data;
        var maps = Enumerable.Range(0, scales.Length).Select(l => arrays[$"{name}_level{l}"].ToTensor()).ToArray();
        var boxes = arrays[$"{name}_boxes"].ToTensor();
        var expected = arrays[$"{name}_expected"].ToTensor();
        var op = new RoiPool { Scales = scales, OutputSize = expected.Shape[2] };
        int n = boxes.Shape[0], perImage = boxes.Shape[1];
        var actual = RunReference(op, [.. maps, boxes, new Tensor([n], Enumerable.Repeat(perImage, n).ToArray())]);
        // A maximum is one of the map's values: equal, not close.
        Assert.That(actual, Is.EqualTo(expected.Data));
    }
}
