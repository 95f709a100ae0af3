using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Tests.IO;

namespace D2Sharp.Tests.Imaging;

[TestFixture]
public class PreprocessorTests
{
    private static readonly double[] Mean = [103.53, 116.28, 123.675];
    private static readonly double[] Std = [57.375, 57.12, 58.395];

    private static IEnumerable<string> Cases() => TestPaths.FixtureCases;

    [TestCaseSource(nameof(Cases))]
    public void FixtureImageNormalisesAndPadsToDetectronsInput(string caseName)
    {
        // e.g. tiny_r50_fpn_dcnv2_g2: 80x112 padded to 96x128; tiny_r50_c4: divisibility 0, no padding.
        var json = FixtureCase.Load(caseName).Json;
        var resolved = json.GetProperty("resolved");
        var input = json.GetProperty("input");
        double[] mean = resolved.GetProperty("PIXEL_MEAN").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] std = resolved.GetProperty("PIXEL_STD").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        string format = resolved.GetProperty("INPUT.FORMAT").GetString()!;

        var image = ImageLoader.Load(TestPaths.Fixture(caseName, "image.npy"), format);
        var batch = Preprocessor.Normalize([image], mean, std, input.GetProperty("size_divisibility").GetInt32());
        var expected = Npy.Read(TestPaths.Fixture(caseName, "input.npy")).ToTensor();

        Assert.That(batch.Tensor.Shape, Is.EqualTo(expected.Shape));
        Assert.That(batch.ImageSizes, Is.EqualTo(new[] { (input.GetProperty("height").GetInt32(), input.GetProperty("width").GetInt32()) }));
        // Bit-identical to PyTorch (stricter than the 1e-6 the comparison needs).
        Assert.That(batch.Tensor.Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void ValuesAreFloat32SubtractThenDivideInTheImagesChannelOrder()
    {
        var image = ImageLoader.FromPixels([0, 128, 255, 10, 20, 30], 1, 2, "BGR");
        var data = Preprocessor.Normalize([image], Mean, Std, 0).Tensor.Data;

        // Layout CHW: channel c of pixel x is data[c * 2 + x]; channel c uses Mean[c] and Std[c].
        float[] expected =
        [
            (0f - 103.53f) / 57.375f, (10f - 103.53f) / 57.375f,
            (128f - 116.28f) / 57.12f, (20f - 116.28f) / 57.12f,
            (255f - 123.675f) / 58.395f, (30f - 123.675f) / 58.395f,
        ];
        Assert.That(data, Is.EqualTo(expected));
    }

    [Test]
    public void BatchOfTwoSizesPadsBothToTheRoundedMaximum()
    {
        var tall = Filled(5, 3, 10);
        var wide = Filled(2, 7, 20);
        var batch = Preprocessor.Normalize([tall, wide], [0, 0, 0], [1, 1, 1], 4);

        // max(5, 2) = 5 -> 8, max(3, 7) = 7 -> 8.
        Assert.That(batch.Tensor.Shape, Is.EqualTo(new[] { 2, 3, 8, 8 }));
        Assert.That(batch.ImageSizes, Is.EqualTo(new[] { (5, 3), (2, 7) }));
        for (int n = 0; n < 2; n++)
        {
            var (h, w) = batch.ImageSizes[n];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                    {
                        float expected = y < h && x < w ? (n == 0 ? 10 : 20) + c : 0;
                        Assert.That(batch.Tensor.Data[((n * 3 + c) * 8 + y) * 8 + x], Is.EqualTo(expected), $"n{n} c{c} y{y} x{x}");
                    }
        }
    }

    [TestCase(0, 5, 7)]
    [TestCase(1, 5, 7)]
    [TestCase(32, 32, 32)]
    public void SizeDivisibilityZeroOrOneOnlyPadsToTheBatchMaximum(int divisibility, int height, int width)
    {
        var batch = Preprocessor.Normalize([Filled(5, 3, 1), Filled(2, 7, 1)], Mean, Std, divisibility);
        Assert.That(batch.Tensor.Shape, Is.EqualTo(new[] { 2, 3, height, width }));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var rgb = Filled(2, 2, 0);
        var bgr = ImageLoader.FromPixels(new byte[12], 2, 2, "BGR");
        Assert.Throws<ArgumentException>(() => Preprocessor.Normalize([], Mean, Std, 0));
        Assert.Throws<ArgumentException>(() => Preprocessor.Normalize([rgb, bgr], Mean, Std, 0));
        Assert.Throws<ArgumentException>(() => Preprocessor.Normalize([rgb], [1.0, 2.0], Std, 0));
        Assert.Throws<ArgumentException>(() => Preprocessor.Normalize([rgb], Mean, [1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessor.Normalize([rgb], Mean, Std, -32));
    }

    /// <summary>An RGB image whose channel c holds <paramref name="value"/> + c everywhere.</summary>
    private static Image Filled(int height, int width, byte value)
    {
        var pixels = new byte[height * width * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(value + i % 3);
        return ImageLoader.FromPixels(pixels, height, width, "RGB");
    }
}
