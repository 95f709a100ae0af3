using D2Sharp.Imaging;
using D2Sharp.IO;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// Real photographs (<c>tests/fixtures/photos</c>, made by its <c>make.py</c>) load as Detectron2's
/// <c>read_image</c> loads them with PIL 9.4: the same pixels, exactly, and the EXIF-rotated one upright.
/// </summary>
[TestFixture]
public class PhotoTests
{
    [TestCase("chelsea")]
    [TestCase("coffee_exif6")]
    public void PhotoDecodesToPilsPixels(string name)
    {
        var expected = Npy.Read(TestPaths.Fixture("photos", name + ".npy"));
        var image = ImageLoader.Load(TestPaths.Fixture("photos", name + ".jpg"), "RGB");

        Assert.That(new[] { image.Height, image.Width, 3 }, Is.EqualTo(expected.Shape));
        Assert.That(image.Pixels, Is.EqualTo(expected.ToUInt8()));
    }

    [Test]
    public void BgrIsRgbReversed()
    {
        string path = TestPaths.Fixture("photos", "chelsea.jpg");
        byte[] rgb = ImageLoader.Load(path, "RGB").Pixels, bgr = ImageLoader.Load(path, "BGR").Pixels;

        for (int i = 0; i < rgb.Length; i += 3)
            Assert.That((bgr[i], bgr[i + 1], bgr[i + 2]), Is.EqualTo((rgb[i + 2], rgb[i + 1], rgb[i])));
    }
}
