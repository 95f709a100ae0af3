using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Tests.IO;

namespace D2Sharp.Tests.Imaging;

[TestFixture]
public class ImageLoaderTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("d2sharp-image-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static IEnumerable<string> Cases() => TestPaths.FixtureCases;

    [TestCaseSource(nameof(Cases))]
    public void PngLoadedAsBgrEqualsDetectronsImageArray(string caseName)
    {
        // image.png is RGB; image.npy is what read_image(..., "BGR") returned in Detectron2.
        var fromPng = ImageLoader.Load(TestPaths.Fixture(caseName, "image.png"), "BGR");
        byte[] expected = Npy.Read(TestPaths.Fixture(caseName, "image.npy")).ToUInt8();

        Assert.That(fromPng.Format, Is.EqualTo("BGR"));
        Assert.That(fromPng.Pixels, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Cases))]
    public void NpyImageIsTakenAsIs(string caseName)
    {
        string path = TestPaths.Fixture(caseName, "image.npy");
        var array = Npy.Read(path);
        var image = ImageLoader.Load(path, "BGR");

        Assert.That((image.Height, image.Width), Is.EqualTo((array.Shape[0], array.Shape[1])));
        Assert.That(image.Pixels, Is.EqualTo(array.ToUInt8()));
    }

    [Test]
    public void PngLoadedAsRgbKeepsFileOrder()
    {
        string path = PathOf("rgb.png");
        PngFile.Write(path, 2, 1, PngFile.Rgb, [10, 20, 30, 40, 50, 60]);

        var image = ImageLoader.Load(path, "RGB");
        Assert.That((image.Height, image.Width), Is.EqualTo((1, 2)));
        Assert.That(image.Pixels, Is.EqualTo(new byte[] { 10, 20, 30, 40, 50, 60 }));
        Assert.That(ImageLoader.Load(path, "BGR").Pixels, Is.EqualTo(new byte[] { 30, 20, 10, 60, 50, 40 }));
    }

    [Test]
    public void GreyscaleIsReplicatedToThreeChannels()
    {
        string path = PathOf("grey.png");
        PngFile.Write(path, 3, 1, PngFile.Grey, [0, 128, 255]);

        Assert.That(ImageLoader.Load(path, "BGR").Pixels, Is.EqualTo(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255 }));
    }

    [Test]
    public void AlphaIsDroppedNotComposited()
    {
        // PIL's convert("RGB") discards alpha; a fully transparent pixel keeps its colour.
        string rgba = PathOf("rgba.png");
        PngFile.Write(rgba, 2, 1, PngFile.Rgba, [200, 100, 50, 0, 1, 2, 3, 255]);
        Assert.That(ImageLoader.Load(rgba, "RGB").Pixels, Is.EqualTo(new byte[] { 200, 100, 50, 1, 2, 3 }));

        string greyAlpha = PathOf("la.png");
        PngFile.Write(greyAlpha, 2, 1, PngFile.GreyAlpha, [77, 0, 99, 128]);
        Assert.That(ImageLoader.Load(greyAlpha, "RGB").Pixels, Is.EqualTo(new byte[] { 77, 77, 77, 99, 99, 99 }));
    }

    [Test]
    public void PaletteIsExpanded()
    {
        string path = PathOf("palette.png");
        PngFile.Write(path, 3, 1, PngFile.Palette, [1, 0, 1], palette: [9, 8, 7, 250, 128, 3]);

        Assert.That(ImageLoader.Load(path, "RGB").Pixels, Is.EqualTo(new byte[] { 250, 128, 3, 9, 8, 7, 250, 128, 3 }));
    }

    [Test]
    public void SixteenBitGreyIsClippedAsPilClipsIt()
    {
        // PIL opens it as mode "I" and convert("RGB") clips: 256 becomes 255 (not 1, its high byte).
        string path = PathOf("grey16.png");
        PngFile.Write(path, 3, 1, PngFile.Grey, [0x01, 0x00, 0x00, 0x80, 0x00, 0xFF], bitDepth: 16);

        Assert.That(ImageLoader.Load(path, "RGB").Pixels, Is.EqualTo(new byte[] { 255, 255, 255, 128, 128, 128, 255, 255, 255 }));
    }

    [TestCase("L")]
    [TestCase("YUV-BT.601")]
    [TestCase("bgr")]
    public void UnsupportedFormatListsTheSupportedOnes(string format)
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(TestPaths.Fixture("tiny_r50_c4", "image.png"), format));
        Assert.That(e!.Message, Does.Contain($"'{format}'").And.Contain("BGR, RGB"));
        Assert.Throws<ImageFormatException>(() => ImageLoader.FromPixels(new byte[3], 1, 1, format));
    }

    [Test]
    public void UnsupportedExtensionIsRefused()
    {
        string path = PathOf("picture.bmp");
        File.WriteAllBytes(path, [0x42, 0x4D]);
        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(path, "BGR"));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(".png"));
    }

    [TestCase("garbage.png")]
    [TestCase("garbage.jpg")]
    [TestCase("truncated.png")]
    public void UndecodableFileNamesTheFile(string name)
    {
        string path = PathOf(name);
        byte[] content = name.StartsWith("truncated")
            ? File.ReadAllBytes(TestPaths.Fixture("tiny_r50_c4", "image.png"))[..2000]
            : "definitely not an image"u8.ToArray();
        File.WriteAllBytes(path, content);

        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(path, "BGR"));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [TestCase("|u1", "(4, 5)")]
    [TestCase("|u1", "(4, 5, 4)")]
    [TestCase("<f4", "(4, 5, 3)")]
    public void NpyThatIsNotUInt8Hwc3IsRefused(string descr, string shape)
    {
        string path = PathOf("wrong.npy");
        int count = shape.Trim('(', ')').Split(',').Select(int.Parse).Aggregate(1, (a, b) => a * b);
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Header(descr, shape), new byte[count * (descr == "<f4" ? 4 : 1)]));

        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(path, "BGR"));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(descr));
    }

    [Test]
    public void NpyUInt8WithAnyByteOrderMarkIsAccepted()
    {
        string path = PathOf("explicit.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Header("<u1", "(1, 2, 3)"), [1, 2, 3, 4, 5, 6]));

        var image = ImageLoader.Load(path, "RGB");
        Assert.That((image.Height, image.Width), Is.EqualTo((1, 2)));
        Assert.That(image.Pixels, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void BrokenNpyImageIsAnImageFormatErrorNamingTheFile()
    {
        string path = PathOf("cut.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Header("|u1", "(4, 5, 3)"), new byte[7]));

        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(path, "BGR"));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated"));
    }

    [Test]
    public void FromPixelsCopiesAndChecksTheLength()
    {
        byte[] pixels = [1, 2, 3, 4, 5, 6];
        var image = ImageLoader.FromPixels(pixels, 1, 2, "RGB");
        pixels[0] = 99;

        Assert.That(image.Pixels[0], Is.EqualTo(1));
        Assert.Throws<ImageFormatException>(() => ImageLoader.FromPixels(pixels, 2, 2, "RGB"));
        Assert.Throws<ImageFormatException>(() => ImageLoader.FromPixels([], 0, 0, "RGB"));
    }
}
