using D2Sharp.Backends;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Ops;
using static D2Sharp.Tests.Ops.OpsTestSupport;

namespace D2Sharp.Tests.Ops;

/// <summary>The graph's preprocessing op on the reference backend: Detectron2's normalisation and padding, bit for bit.</summary>
[TestFixture]
public class NormalizeImageTests
{
    private static readonly NormalizeImage Op = new() { Mean = [103.53f, 116.28f, 123.675f], Std = [57.375f, 57.12f, 58.395f] };

    private static IEnumerable<string> Cases() => FixtureCase.Backbone;

    [TestCaseSource(nameof(Cases))]
    public void FixtureImageNormalisesAndPadsToDetectronsInput(string caseName)
    {
        // e.g. tiny_r50_fpn_dcnv2_g2: 80x112 padded to 96x128; tiny_r50_c4: divisibility 0, no padding.
        var json = FixtureCase.Load(caseName).Json;
        var resolved = json.GetProperty("resolved");
        var op = new NormalizeImage
        {
            Mean = resolved.GetProperty("PIXEL_MEAN").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
            Std = resolved.GetProperty("PIXEL_STD").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
        };
        var image = ImageLoader.Load(TestPaths.Fixture(caseName, "image.npy"), resolved.GetProperty("INPUT.FORMAT").GetString()!);
        var expected = Npy.Read(TestPaths.Fixture(caseName, "input.npy")).ToTensor();
        int height = expected.Shape[2], width = expected.Shape[3];

        var pixels = new byte[height * width * 3];
        for (int y = 0; y < image.Height; y++)
            image.Pixels.AsSpan(y * image.Width * 3, image.Width * 3).CopyTo(pixels.AsSpan(y * width * 3));
        var actual = RunReference(op, [new Tensor([1, height, width, 3], pixels), new Tensor([1, 2], [image.Height, image.Width])]);

        // Bit-identical to PyTorch (stricter than the 1e-6 the comparison needs).
        Assert.That(actual, Is.EqualTo(expected.Data));
    }

    [Test]
    public void ValuesAreFloat32SubtractThenDivideInTheImagesChannelOrder()
    {
        var y = RunReference(Op, [new Tensor([1, 1, 2, 3], new byte[] { 0, 128, 255, 10, 20, 30 }), new Tensor([1, 2], [1, 2])]);

        // Layout CHW: channel c of pixel x is y[c * 2 + x]; channel c uses Mean[c] and Std[c].
        float[] expected =
        [
            (0f - 103.53f) / 57.375f, (10f - 103.53f) / 57.375f,
            (128f - 116.28f) / 57.12f, (20f - 116.28f) / 57.12f,
            (255f - 123.675f) / 58.395f, (30f - 123.675f) / 58.395f,
        ];
        Assert.That(y, Is.EqualTo(expected));
    }

    [Test]
    public void EachImageIsPaddedWithZerosAfterNormalising()
    {
        var op = new NormalizeImage { Mean = [1, 1, 1], Std = [2, 2, 2] };
        var pixels = Enumerable.Repeat((byte)9, 2 * 3 * 4 * 3).ToArray();
        var y = RunReference(op, [new Tensor([2, 3, 4, 3], pixels), new Tensor([2, 2], [2, 3, 3, 1])]);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int row = 0; row < 3; row++)
                    for (int x = 0; x < 4; x++)
                    {
                        bool inside = n == 0 ? row < 2 && x < 3 : x < 1;
                        Assert.That(y[((n * 3 + c) * 3 + row) * 4 + x], Is.EqualTo(inside ? 4f : 0f), $"n{n} c{c} y{row} x{x}");
                    }
    }

    [TestCase(0, 4)]
    [TestCase(4, 5)]
    public void AnImageSizeOutsideThePixelBufferFailsNamingTheNode(int height, int width)
    {
        Assert.That(() => RunReference(Op, [new Tensor([1, 3, 4, 3], new byte[36]), new Tensor([1, 2], [height, width])]),
            Throws.TypeOf<ExecutionException>().With.Message.Contains("node 'op' (NormalizeImage)")
                .And.Message.Contains($"image_sizes[0] = ({height}, {width})"));
    }

    [Test]
    public void PixelsWithoutThreeChannelsAreAShapeError()
    {
        Assert.That(() => RunReference(Op, [new Tensor([1, 2, 2, 4], new byte[16]), new Tensor([1, 2], [2, 2])]),
            Throws.TypeOf<ShapeException>().With.Message.Contains("must be N×H×W×3"));
    }
}
