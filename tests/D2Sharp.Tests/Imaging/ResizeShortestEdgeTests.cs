using System.Security.Cryptography;
using D2Sharp.Config;
using D2Sharp.Imaging;

namespace D2Sharp.Tests.Imaging;

[TestFixture]
public class ResizeShortestEdgeTests
{
    // Worked by hand with Detectron2's formula: scale = short / min(h, w); if the long side then
    // exceeds maxSize, scale both by maxSize / long side; round with int(x + 0.5).
    [TestCase(480, 640, 800, 1333, 800, 1067)]   // 640 * 800/480 = 1066.67
    [TestCase(640, 480, 800, 1333, 1067, 800)]   // portrait
    [TestCase(500, 500, 800, 1333, 800, 800)]
    [TestCase(427, 640, 800, 1333, 800, 1199)]   // 640 * 800/427 = 1199.06
    [TestCase(375, 500, 800, 1333, 800, 1067)]   // 500 * 800/375 = 1066.67
    [TestCase(100, 1000, 800, 1333, 133, 1333)]  // 8000 > 1333: 800 * 1333/8000 = 133.3
    [TestCase(1000, 100, 800, 1333, 1333, 133)]
    [TestCase(480, 640, 800, 1000, 750, 1000)]   // 1066.67 > 1000: 800 * 1000/1066.67 = 750
    [TestCase(96, 128, 50, 1333, 50, 67)]        // 128 * 50/96 = 66.67
    [TestCase(96, 128, 37, 1333, 37, 49)]        // 128 * 37/96 = 49.33
    [TestCase(99, 201, 50, 1333, 50, 102)]       // 201 * 50/99 = 101.52
    [TestCase(3, 5, 2, 1333, 2, 3)]              // 5 * 2/3 = 3.33
    [TestCase(4, 6, 2, 1333, 2, 3)]              // exactly 3
    [TestCase(2, 5, 3, 1333, 3, 8)]              // 7.5 rounds up to 8 (int(x + 0.5), not banker's rounding)
    public void OutputShapeMatchesDetectron2(int h, int w, int shortEdge, int maxSize, int expectedH, int expectedW)
    {
        Assert.That(ResizeShortestEdge.GetOutputShape(h, w, shortEdge, maxSize), Is.EqualTo((expectedH, expectedW)));
    }

    [TestCase(0, 5)]
    [TestCase(5, 0)]
    [TestCase(-3, 5)]
    public void NonPositiveImageSizesAreAnImageError(int h, int w)
    {
        Assert.Throws<ImageFormatException>(() => ResizeShortestEdge.GetOutputShape(h, w, 800, 1333));
    }

    [TestCase(0, 1333, "INPUT.MIN_SIZE_TEST")]
    [TestCase(-1, 1333, "INPUT.MIN_SIZE_TEST")]
    [TestCase(800, 0, "INPUT.MAX_SIZE_TEST")]
    [TestCase(800, -5, "INPUT.MAX_SIZE_TEST")]
    public void NonPositiveResizeSettingsAreAConfigErrorNamingTheKey(int shortEdge, int maxSize, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ResizeShortestEdge.GetOutputShape(5, 5, shortEdge, maxSize));
        Assert.That(e!.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(key));
    }

    [Test]
    public void MaxSizeZeroIsAConfigErrorWhenApplied()
    {
        // Detectron2 would scale to 0x0 and fail inside PIL; D2Sharp says which key is wrong.
        var image = ImageLoader.FromPixels(new byte[2 * 3 * 3], 2, 3, "BGR");
        var e = Assert.Throws<ConfigException>(() => ResizeShortestEdge.Apply(image, 800, 0));
        Assert.That(e!.Message, Does.Contain("INPUT.MAX_SIZE_TEST"));
        Assert.Throws<ConfigException>(() => ResizeShortestEdge.Apply(image, -1, 1333));
    }

    [Test]
    public void ShortEdgeZeroIsANoOp()
    {
        var image = ImageLoader.FromPixels(new byte[2 * 3 * 3], 2, 3, "BGR");
        Assert.That(ResizeShortestEdge.Apply(image, 0, 1333), Is.SameAs(image));
    }

    [Test]
    public void SameSizeReturnsTheImageItself()
    {
        // PIL returns a copy of the same pixels; handing back the image saves the copy (and an allocation per run).
        var image = ImageLoader.FromPixels(Enumerable.Range(0, 4 * 6 * 3).Select(i => (byte)(i * 7)).ToArray(), 4, 6, "RGB");
        Assert.That(ResizeShortestEdge.Apply(image, 4, 1333), Is.SameAs(image));
    }

    // SHA-256 and first 12 bytes of PIL's output for tiny_r50_fpn/image.npy (96x128, BGR bytes
    // handed to PIL as an "RGB" image, as Detectron2 does) resized with Image.BILINEAR; generated
    // once with Debian bookworm's python3-pil 9.4.0 (the fixtures' Pillow) and pasted here.
    [TestCase(50, 1333, 50, 67, "e6516461e2b8f1a9f4742f9d3b820624521da05b22fc829d53e92e033a0efa6f", "9d211fac241eb92222c22126")]
    [TestCase(37, 1333, 37, 49, "518c04230af764132b842c315aa20c21ce06514e9c36c72da141dcd6fb530aaf", "a02220b32421c22227d0222d")]
    [TestCase(800, 1333, 800, 1067, "a257d9d02a9b33cc087853645dabe4ed35f3866f9bb7610841f146fd87ab4bb6", "902323902323902323902323")]
    [TestCase(800, 1000, 750, 1000, "06be7559655a89387068e0eae26673ec65225c33e343f8355abbd7661f7e4fef", "902323902323902323902323")]
    public void FixtureImageResizesLikePil(int shortEdge, int maxSize, int height, int width, string sha256, string firstBytes)
    {
        var image = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.npy"), "BGR");
        var resized = ResizeShortestEdge.Apply(image, shortEdge, maxSize);

        Assert.That((resized.Height, resized.Width, resized.Format), Is.EqualTo((height, width, "BGR")));
        Assert.That(Convert.ToHexStringLower(resized.Pixels[..12]), Is.EqualTo(firstBytes));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(resized.Pixels)), Is.EqualTo(sha256));
    }
}
