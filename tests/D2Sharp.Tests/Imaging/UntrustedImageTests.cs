using System.Buffers.Binary;
using D2Sharp.Imaging;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// Image files are untrusted: missing paths, decompression bombs, empty, cut and corrupt files are
/// refused with an <see cref="ImageFormatException"/> that names the file and holds clean text.
/// </summary>
[TestFixture]
public class UntrustedImageTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("d2sharp-untrusted-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WritePng(string name, int width, int height)
    {
        string path = PathOf(name);
        PngFile.Write(path, width, height, PngFile.Rgb, Enumerable.Range(0, width * height * 3).Select(i => (byte)(i * 31)).ToArray());
        return path;
    }

    /// <summary>Blocks of distinct levels, so a decoder that fills missing blocks would show it.</summary>
    private static byte[] SampleJpeg() => JpegFile.Encode(40, 24, (by, bx) => (byte)(30 + 40 * by + 17 * bx));

    private static ImageFormatException Refused(string path, ImageLoadOptions? options = null)
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Load(path, "BGR", options ?? ImageLoadOptions.Default));
        Assert.That(e!.Message, Does.Contain(path));
        Assert.That(e.Message.Where(char.IsControl), Is.Empty, e.Message);
        return e;
    }

    [Test]
    public void MissingFileAndDirectoryAreImageErrors()
    {
        Assert.That(Refused(PathOf("absent.png")).Message, Does.Contain("not found"));
        Assert.That(Refused(PathOf("absent.npy")).Message, Does.Contain("not found"));
        string directory = PathOf("folder.jpg");
        Directory.CreateDirectory(directory);
        Assert.That(Refused(directory).Message, Does.Contain("directory"));
    }

    [Test]
    public void MinimalJpegDecodesToItsBlockLevels()
    {
        string path = PathOf("blocks.jpg");
        File.WriteAllBytes(path, SampleJpeg());

        var image = ImageLoader.Load(path, "RGB");
        Assert.That((image.Height, image.Width), Is.EqualTo((24, 40)));
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 40; x++)
                Assert.That(image.Pixels[(y * 40 + x) * 3], Is.EqualTo(30 + 40 * (y / 8) + 17 * (x / 8)).Within(1), $"({y}, {x})");
    }

    [Test]
    public void ImagesOverThePixelLimitAreRefusedBeforeDecoding()
    {
        string png = WritePng("big.png", 20, 10);
        string jpeg = PathOf("big.jpg");
        File.WriteAllBytes(jpeg, SampleJpeg());
        var strict = new ImageLoadOptions { MaxPixels = 199 };

        Assert.That(Refused(png, strict).Message, Does.Contain("200 pixels").And.Contain("MaxPixels"));
        Assert.That(Refused(jpeg, strict).Message, Does.Contain("960 pixels").And.Contain("MaxPixels"));
        Assert.DoesNotThrow(() => ImageLoader.Load(png, "BGR", new ImageLoadOptions { MaxPixels = 200 }));
    }

    [Test]
    public void HeaderDeclaringGigapixelsIsRefusedWithBoundedAllocation()
    {
        string path = WritePng("bomb.png", 4, 4);
        byte[] bytes = File.ReadAllBytes(path);
        SetPngSize(bytes, 100_000, 100_000);
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(Refused(path).Message, Does.Contain("100000x100000").And.Contain("decompression bomb"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [TestCase(0, 5)]
    [TestCase(5, 0)]
    public void ZeroSizedImagesAreRefused(int width, int height)
    {
        string path = WritePng("empty.png", 1, 1);
        byte[] bytes = File.ReadAllBytes(path);
        SetPngSize(bytes, width, height);
        File.WriteAllBytes(path, bytes);

        Assert.That(Refused(path).Message, Does.Contain("no pixels"));
    }

    [Test]
    public void PngCutAnywhereIsRefused()
    {
        byte[] whole = File.ReadAllBytes(WritePng("whole.png", 9, 7));
        string path = PathOf("cut.png");
        for (int length = 1; length < whole.Length; length++)
        {
            File.WriteAllBytes(path, whole[..length]);
            Refused(path);
        }
    }

    [Test]
    public void JpegCutAnywhereIsRefused()
    {
        // A decoder alone decodes most of these, filling the missing blocks with grey.
        byte[] whole = SampleJpeg();
        string path = PathOf("cut.jpg");
        for (int length = 1; length < whole.Length; length++)
        {
            File.WriteAllBytes(path, whole[..length]);
            Refused(path);
        }
    }

    [Test]
    public void PngWithABadCrcBeforeTheImageDataIsRefusedLikePil()
    {
        string path = WritePng("crc.png", 3, 3);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8 + 8 + 13] ^= 0x55; // IHDR's CRC
        File.WriteAllBytes(path, bytes);

        Assert.That(Refused(path).Message, Does.Contain("CRC").And.Contain("IHDR"));
    }

    [Test]
    public void CutPngMessageHasNoNulBytes()
    {
        // stb_image, the decoder before, read zeros past the end and reported "\0\0\0\0 PNG chunk not known".
        byte[] whole = File.ReadAllBytes(WritePng("whole.png", 9, 7));
        string path = PathOf("no-iend.png");
        File.WriteAllBytes(path, whole[..^12]);

        Assert.That(Refused(path).Message, Does.Contain("IEND"));
    }

    [Test]
    public void ContentThatIsNeitherPngNorJpegIsRefusedWhateverTheExtension()
    {
        string path = PathOf("really-a-gif.png");
        File.WriteAllBytes(path, "GIF89a\u0001\0\u0001\0\0\0\0;"u8.ToArray());
        Assert.That(Refused(path).Message, Does.Contain("neither a PNG nor a JPEG"));
    }

    [Test]
    public void JpegNamedPngStillLoadsAsPilWould()
    {
        string path = PathOf("jpeg-inside.png");
        File.WriteAllBytes(path, SampleJpeg());
        Assert.That(ImageLoader.Load(path, "BGR").Width, Is.EqualTo(40));
    }

    [Test]
    public void FlippedBytesNeverEscapeAsAnotherException()
    {
        var random = new Random(7);
        byte[] png = File.ReadAllBytes(WritePng("whole.png", 9, 7));
        byte[] jpeg = SampleJpeg();
        string path = PathOf("mutant.jpg");
        for (int i = 0; i < 300; i++)
        {
            byte[] mutant = (byte[])(i % 2 == 0 ? png : jpeg).Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                mutant[random.Next(mutant.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, mutant);
            try
            {
                ImageLoader.Load(path, "BGR");
            }
            catch (ImageFormatException e)
            {
                Assert.That(e.Message.Where(char.IsControl), Is.Empty, e.Message);
            }
        }
    }

    [Test]
    public void PngRowLongerThanAnArrayIsRefusedBeforeAllocating()
    {
        // 16-bit RGBA, 400 million pixels wide: 3.2 GB a row, allowed only by a raised pixel limit.
        string path = PathOf("wide.png");
        PngFile.Write(path, 1, 1, PngFile.Rgba, new byte[8], bitDepth: 16);
        byte[] bytes = File.ReadAllBytes(path);
        SetPngSize(bytes, 400_000_000, 1);
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(Refused(path, new ImageLoadOptions { MaxPixels = 400_000_000 }).Message, Does.Contain("more than one array holds"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MaxValue)]
    public void PixelLimitOutsideTheSupportedRangeIsAnArgumentError(long maxPixels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ImageLoadOptions { MaxPixels = maxPixels });
    }

    [Test]
    public void DefaultPixelLimitIsTwicePilsWarningThreshold()
    {
        Assert.That(ImageLoadOptions.Default.MaxPixels, Is.EqualTo(178_956_970));
    }

    [Test]
    public void NpyImageOverThePixelLimitIsRefused()
    {
        string path = PathOf("big.npy");
        File.WriteAllBytes(path, IO.NpyBytes.Build(IO.NpyBytes.Header("|u1", "(10, 20, 3)"), new byte[600]));
        Assert.That(Refused(path, new ImageLoadOptions { MaxPixels = 100 }).Message, Does.Contain("200 pixels"));
    }

    [Test]
    public void BytesInMemoryDecodeAsTheirFileDoes()
    {
        string png = WritePng("memory.png", 9, 7);
        string jpeg = PathOf("memory.jpg");
        File.WriteAllBytes(jpeg, SampleJpeg());

        foreach (string path in new[] { png, jpeg })
        {
            var fromBytes = ImageLoader.Decode(File.ReadAllBytes(path), "BGR", "request image");
            var fromFile = ImageLoader.Load(path, "BGR");
            Assert.That((fromBytes.Height, fromBytes.Width, fromBytes.Format), Is.EqualTo((fromFile.Height, fromFile.Width, "BGR")), path);
            Assert.That(fromBytes.Pixels, Is.EqualTo(fromFile.Pixels), path);
        }
    }

    [Test]
    public void BytesInMemoryAreRefusedAsFilesAreNamingTheirSource()
    {
        byte[] bomb = File.ReadAllBytes(WritePng("bomb.png", 4, 4));
        SetPngSize(bomb, 100_000, 100_000);
        byte[] whole = File.ReadAllBytes(WritePng("whole.png", 9, 7));

        foreach (var (bytes, reason) in new[] { (bomb, "decompression bomb"), (whole[..^20], "truncated"), ("GIF89a"u8.ToArray(), "neither a PNG nor a JPEG") })
        {
            var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Decode(bytes, "BGR", "request image"));
            Assert.That(e!.Message, Does.StartWith("request image: ").And.Contain(reason));
        }
        Assert.That(Assert.Throws<ImageFormatException>(() => ImageLoader.Decode(whole, "BGR", "request image", new ImageLoadOptions { MaxPixels = 62 }))!.Message,
            Does.Contain("63 pixels"));
    }

    /// <summary>Rewrites IHDR's width and height and its CRC, so only the declared size is hostile.</summary>
    private static void SetPngSize(byte[] png, int width, int height)
    {
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc(png.AsSpan(12, 17)));
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
