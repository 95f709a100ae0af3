namespace D2Sharp.Imaging;

/// <summary>
/// An 8-bit, 3-channel image, interleaved HWC as Detectron2 holds it between <c>read_image</c> and
/// <c>preprocess_image</c>; <see cref="Format"/> says the channel order (Detectron2's
/// <c>INPUT.FORMAT</c>).
/// </summary>
public sealed class Image
{
    /// <summary>The channel orders Detectron2's preprocessing accepts for 3-channel uint8 images.</summary>
    public static readonly IReadOnlyList<string> SupportedFormats = ["BGR", "RGB"];

    internal Image(byte[] pixels, int height, int width, string format)
    {
        Pixels = pixels;
        Height = height;
        Width = width;
        Format = format;
    }

    /// <summary>Height in pixels (rows).</summary>
    public int Height { get; }
    /// <summary>Width in pixels (columns).</summary>
    public int Width { get; }

    /// <summary><see cref="Height"/>·<see cref="Width"/>·3 bytes, row-major, channels interleaved.</summary>
    public byte[] Pixels { get; }

    /// <summary>"BGR" or "RGB": the order of the three channels in <see cref="Pixels"/>.</summary>
    public string Format { get; }

    /// <summary><c>Image HxW FORMAT</c>, e.g. <c>Image 480x640 BGR</c>.</summary>
    public override string ToString() => $"Image {Height}x{Width} {Format}";

    /// <summary>Throws unless <paramref name="format"/> is one of <see cref="SupportedFormats"/> (case-sensitive, as in Detectron2).</summary>
    internal static void CheckFormat(string format, string source)
    {
        if (!SupportedFormats.Contains(format))
            throw new ImageFormatException($"{source}: image format '{format}' is not supported; supported: {string.Join(", ", SupportedFormats)}");
    }

    /// <summary>Throws unless the dimensions are positive and <paramref name="length"/> is H·W·3.</summary>
    internal static void CheckSize(long length, int height, int width, string source)
    {
        if (height <= 0 || width <= 0)
            throw new ImageFormatException($"{source}: image size {height}x{width} must be positive");
        long expected = (long)height * width * 3;
        if (length != expected)
            throw new ImageFormatException($"{source}: {length} pixel bytes do not make a {height}x{width}x3 image ({expected} bytes)");
    }
}
