using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

[TestFixture]
public class AnchorGridTests
{
    /// <summary>The grid the reference backend computes for a feature map of h×w (its values are never read).</summary>
    private static float[] Grid(AnchorGrid op, int h, int w) => RunReference(op, [new Tensor([1, 2, h, w])]);

    [Test]
    public void CellAnchorsForSize32KeepTheAreaAndSetTheRatio()
    {
        // ratio 0.5: w = sqrt(32²/0.5) = 45.2548, h = 22.6274; ratio 2: w = 22.6274, h = 45.2548
        var anchors = AnchorGrid.MakeCellAnchors([32], [0.5, 1, 2]);
        Assert.That(anchors, Is.EqualTo(new[]
        {
            -22.627417, -11.313708, 22.627417, 11.313708,
            -16, -16, 16, 16,
            -11.313708, -22.627417, 11.313708, 22.627417,
        }).Within(1e-5));
    }

    [Test]
    public void SizesAreTheOuterLoopAndRatiosTheInner()
    {
        var anchors = AnchorGrid.MakeCellAnchors([32, 64], [1, 4]);
        Assert.That(anchors, Is.EqualTo(new float[]
        {
            -16, -16, 16, 16,
            -8, -32, 8, 32,
            -32, -32, 32, 32,
            -16, -64, 16, 64,
        }));
    }

    [Test]
    public void GridIsRowMajorThenCellAnchor()
    {
        var op = new AnchorGrid { CellAnchors = [-8, -8, 8, 8, -4, -2, 4, 2], Stride = 4 };
        var y = Grid(op, 2, 3);
        Assert.That(y, Has.Length.EqualTo(2 * 3 * 2 * 4));
        Assert.That(y[0..4], Is.EqualTo(new float[] { -8, -8, 8, 8 }), "(y 0, x 0, anchor 0)");
        Assert.That(y[4..8], Is.EqualTo(new float[] { -4, -2, 4, 2 }), "(y 0, x 0, anchor 1)");
        Assert.That(y[8..12], Is.EqualTo(new float[] { -4, -8, 12, 8 }), "(y 0, x 1, anchor 0)");
        Assert.That(y[44..48], Is.EqualTo(new float[] { 4, 2, 12, 6 }), "(y 1, x 2, anchor 1)");
    }

    [Test]
    public void OffsetHalfCentresTheShiftsInTheCells()
    {
        var op = new AnchorGrid { CellAnchors = [-1, -1, 1, 1], Stride = 8, Offset = 0.5f };
        Assert.That(Grid(op, 1, 2), Is.EqualTo(new float[] { 3, 3, 5, 5, 11, 3, 13, 5 }));
    }

    /// <summary>Every level of the case: cell anchors and the full grid against what Detectron2 produced.</summary>
    [TestCase("tiny_r50_fpn")]
    [TestCase("tiny_r50_fpn_dcnv1_avg_offset")]
    [TestCase("tiny_retinanet")]
    [TestCase("tiny_r50_c4")]
    public void MatchesDetectron2Fixture(string caseName)
    {
        var fixture = FixtureCase.Load(caseName);
        var intermediates = fixture.Intermediates;
        var expected = fixture.Expected;
        foreach (var level in fixture.Json.GetProperty("anchors").EnumerateArray())
        {
            string feature = level.GetProperty("feature").GetString()!;
            var sizes = level.GetProperty("sizes").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var ratios = level.GetProperty("aspect_ratios").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var grid = level.GetProperty("grid_hw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var op = new AnchorGrid
            {
                CellAnchors = AnchorGrid.MakeCellAnchors(sizes, ratios),
                Stride = level.GetProperty("stride").GetInt32(),
                Offset = level.GetProperty("offset").GetSingle(),
            };

            var cellAnchors = intermediates["cell_anchors_" + feature].ToTensor();
            Assert.That(op.CellAnchors, Is.EqualTo(cellAnchors.Data), $"{caseName} cell anchors {feature}");
            var anchors = expected["anchors_" + feature].ToTensor();
            Assert.That(anchors.Shape, Is.EqualTo(new[] { grid[0] * grid[1] * op.NumCellAnchors, 4 }), $"{caseName} anchors {feature} shape");
            Assert.That(Grid(op, grid[0], grid[1]), Is.EqualTo(anchors.Data), $"{caseName} anchors {feature}");
        }
    }
}
