using D2Sharp.Runtime;

namespace D2Sharp.Tests.Runtime;

/// <summary>heatmaps_to_keypoints on hand-made heatmaps, through Instances.Postprocess.</summary>
[TestFixture]
public class KeypointDecodeTests
{
    private static float[] Keypoints(float[] heatmap, int size, float[] box, (int, int) resized, (int, int) original) =>
        Instances.Postprocess(box, [1f], [0], resized, original, new HeadOutputs(default, 0, heatmap, 1, size)).Keypoints!;

    [Test]
    public void ABoxTheHeatmapsSizeFindsThePeakAtItsPixelCentre()
    {
        // A 4×4 heatmap on a 4×4 box at (10, 20): no resampling (bicubic at scale 1 copies), peak at column 2, row 1.
        var map = new float[16];
        map[1 * 4 + 2] = 5;
        var k = Keypoints(map, 4, [10, 20, 14, 24], (100, 100), (100, 100));
        Assert.That(k[0], Is.EqualTo(10 + 2.5f));
        Assert.That(k[1], Is.EqualTo(20 + 1.5f));
        // Score: e^0 over Σ e^(v − 5) on the 4×4 map: 1 / (1 + 15·e^−5).
        Assert.That(k[2], Is.EqualTo(1 / (1 + 15 * MathF.Exp(-5))).Within(1e-6f));
    }

    [Test]
    public void KeypointsScaleToTheOriginalImageWithoutClipping()
    {
        var map = new float[16];
        map[3 * 4 + 3] = 1;
        // Resized 50×50 → original 100×200: x × 4, y × 2; the box's corner is at the image edge.
        var k = Keypoints(map, 4, [46, 46, 50, 50], (50, 50), (100, 200));
        Assert.That(k[0], Is.EqualTo((46 + 3.5f) * 4));
        Assert.That(k[1], Is.EqualTo((46 + 3.5f) * 2));
    }

    [Test]
    public void AFractionalBoxIsResizedToItsCeilingAndCorrectedBack()
    {
        // Box 2.5 wide, 1.5 high: the map is resized to 3×2 and x = (column + 0.5) · 2.5/3, y = (row + 0.5) · 1.5/2.
        var map = new float[4 * 4];
        for (int i = 0; i < 16; i++) map[i] = i % 4 == 0 ? 1 : 0;
        var k = Keypoints(map, 4, [0, 0, 2.5f, 1.5f], (10, 10), (10, 10));
        Assert.That(k[0], Is.EqualTo(0.5f * (2.5f / 3)).Within(1e-6f), "the left column holds the peak");
        Assert.That(k[1], Is.EqualTo(0.5f * (1.5f / 2)).Within(1e-6f), "equal rows: the first maximum");
    }
}
