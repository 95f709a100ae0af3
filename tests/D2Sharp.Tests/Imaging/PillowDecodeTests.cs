using D2Sharp.Imaging;
using D2Sharp.IO;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// PNGs of every colour type, bit depth, filter type and interlace, and EXIF orientations, decoded
/// as PIL 9.4 decodes them: <c>tests/fixtures/pil_decode/make.py</c> wrote the files and what PIL
/// (with Detectron2's orientation step) made of each.
/// </summary>
[TestFixture]
public class PillowDecodeTests
{
    private static string Folder(string name) => TestPaths.Fixture("pil_decode", name);

    private static IEnumerable<string> PngCases() =>
        Directory.GetFiles(Folder("png"), "*.png").Select(Path.GetFileNameWithoutExtension).Order()!;

    private static IEnumerable<TestCaseData> ExifCases() =>
        File.ReadAllLines(Path.Combine(Folder("exif"), "expected.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new TestCaseData(f[0], f[1]).SetName($"Exif({f[0]}, {f[1]})"));

    [TestCaseSource(nameof(PngCases))]
    public void PngDecodesToPilsPixels(string name)
    {
        var image = ImageLoader.Load(Path.Combine(Folder("png"), name + ".png"), "RGB");
        var expected = Npy.Read(Path.Combine(Folder("png"), name + ".npy"));

        Assert.That(new[] { image.Height, image.Width, 3 }, Is.EqualTo(expected.Shape));
        Assert.That(image.Pixels, Is.EqualTo(expected.ToUInt8()));
    }

    [TestCaseSource(nameof(ExifCases))]
    public void ExifOrientationIsReadAsPilReadsIt(string file, string pil)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder("exif"), file));
        Range? exif = file.EndsWith(".png") ? PngStructure.Read(bytes, file).Exif : JpegStructure.Read(bytes, file).Exif;
        int orientation = ExifOrientation.Read(exif is { } range ? bytes.AsSpan(range) : []);

        // Where PIL cannot open the file at all (a cut or BigTIFF header), D2Sharp ignores the block.
        Assert.That(orientation, Is.EqualTo(pil == "refused" ? ExifOrientation.Upright : int.Parse(pil)));
    }

    [Test]
    public void RotatedJpegLoadsUpright()
    {
        // orientation6.jpg is 3 wide and 2 high; orientation 6 turns it a quarter clockwise.
        var image = ImageLoader.Load(Path.Combine(Folder("exif"), "orientation6.jpg"), "BGR");
        Assert.That((image.Height, image.Width), Is.EqualTo((3, 2)));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(8)]
    public void ApplyingThenInvertingAnOrientationRestoresTheImage(int orientation)
    {
        // Orientations 2–5 and 7 are their own inverses; 6 and 8 undo each other.
        byte[] pixels = Enumerable.Range(0, 4 * 7 * 3).Select(i => (byte)i).ToArray();
        var (turned, h, w) = ExifOrientation.Apply(pixels, 4, 7, orientation);
        int inverse = orientation switch { 6 => 8, 8 => 6, _ => orientation };
        var (back, h2, w2) = ExifOrientation.Apply(turned, h, w, inverse);

        Assert.That((h2, w2), Is.EqualTo((4, 7)));
        Assert.That(back, Is.EqualTo(pixels));
        Assert.That(turned, orientation == 1 ? Is.EqualTo(pixels) : Is.Not.EqualTo(pixels));
    }
}
