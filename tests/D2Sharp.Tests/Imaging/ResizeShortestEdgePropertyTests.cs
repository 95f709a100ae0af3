using D2Sharp.Imaging;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// Properties of the test-time resize over many image sizes, extreme aspect ratios included:
/// no exception, sides at least 1, the long side within the max size, and a flat image stays flat.
/// </summary>
[TestFixture]
public class ResizeShortestEdgePropertyTests
{
    private const int ShortEdge = 800, MaxSize = 1333;

    /// <summary>Seeded sizes: small, ordinary, 1×N and N×1, and ratios up to 1:200000.</summary>
    private static IEnumerable<(int Height, int Width)> Sizes()
    {
        var random = new Random(20240611);
        for (int i = 0; i < 40; i++) yield return (random.Next(1, 40), random.Next(1, 40));
        for (int i = 0; i < 20; i++) yield return (random.Next(1, 1500), random.Next(1, 1500));
        foreach (int n in new[] { 1, 2, 3, 4, 799, 800, 801, 1333, 1334, 2000, 2667, 5000, 100_000, 200_000 })
        {
            yield return (1, n);
            yield return (n, 1);
        }
        for (int i = 0; i < 20; i++)
        {
            int thin = random.Next(1, 8), lengthy = random.Next(1000, 150_000);
            yield return random.Next(2) == 0 ? (thin, lengthy) : (lengthy, thin);
        }
        yield return (4, 2000);
        yield return (2000, 4);
    }

    [Test]
    public void EverySizeResizesToAtLeastOnePixelWithinTheMaxSize()
    {
        foreach (var (height, width) in Sizes())
        {
            var image = ImageLoader.FromPixels(Enumerable.Repeat((byte)77, height * width * 3).ToArray(), height, width, "BGR");
            Image resized = null!;
            Assert.DoesNotThrow(() => resized = ResizeShortestEdge.Apply(image, ShortEdge, MaxSize), $"{height}x{width}");

            string what = $"{height}x{width} -> {resized.Height}x{resized.Width}";
            Assert.That(resized.Height, Is.GreaterThanOrEqualTo(1), what);
            Assert.That(resized.Width, Is.GreaterThanOrEqualTo(1), what);
            Assert.That(Math.Max(resized.Height, resized.Width), Is.LessThanOrEqualTo(MaxSize), what);
            Assert.That(resized.Pixels, Has.Length.EqualTo(resized.Height * resized.Width * 3).And.All.EqualTo(77), what);
        }
    }

    [TestCase(1, 178_956_970)]
    [TestCase(178_956_970, 1)]
    [TestCase(13_377, 13_377)]
    [TestCase(1, int.MaxValue)]
    public void OutputShapeOfHugeImagesIsPositive(int height, int width)
    {
        // Shapes only: images this large are not allocated here.
        var (h, w) = ResizeShortestEdge.GetOutputShape(height, width, ShortEdge, MaxSize);
        Assert.That(h, Is.InRange(1, MaxSize));
        Assert.That(w, Is.InRange(1, MaxSize));
    }

    [Test]
    public void AnImageMoreThanTwiceMaxSizeLongerThanWideGetsOneRowWhereDetectron2WouldGetNone()
    {
        // 1x100000: 800 * 1333 / 80,000,000 = 0.013 rounds to 0 in Detectron2 (and PIL then refuses).
        Assert.That(ResizeShortestEdge.GetOutputShape(1, 100_000, ShortEdge, MaxSize), Is.EqualTo((1, 1333)));
        Assert.That(ResizeShortestEdge.GetOutputShape(100_000, 1, ShortEdge, MaxSize), Is.EqualTo((1333, 1)));
    }
}
