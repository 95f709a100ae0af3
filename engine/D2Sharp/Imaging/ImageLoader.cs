using D2Sharp.IO;

namespace D2Sharp.Imaging;

/// <summary>
/// Loads images the way Detectron2's <c>detection_utils.read_image</c> does with PIL: open the file
/// (recognised by its content), apply the EXIF orientation, convert to RGB as <c>.convert("RGB")</c>
/// does, then flip to BGR when that is the requested format.
/// </summary>
/// <remarks>
/// What matches PIL 9.4 (Debian's, on libjpeg-turbo 2.1.5), pixel for pixel, and how it is checked:
/// <list type="bullet">
/// <item>JPEG: decoded by Skia's libjpeg-turbo (<see cref="JpegDecoder"/>) with PIL's defaults; equal to
/// PIL on all 100 files of <c>bench/images/compare_pil.py</c> (PIL, cjpeg and ImageMagick encoders,
/// qualities 50–95, every subsampling, progressive, arithmetic, grey, CMYK) and on the shipped photographs.
/// A PIL built on another libjpeg (IJG libjpeg 9) can differ from both.</item>
/// <item>PNG: decoded by <see cref="PngDecoder"/> with PIL's conversions (<see cref="PillowConvert"/>):
/// 16-bit grey clipped to 255 as mode "I" is, other 16-bit samples cut to their high byte, 1/2/4-bit
/// grey scaled, palettes expanded (indices past PLTE take PIL's grey ramp), alpha and tRNS dropped
/// without compositing; every colour type, depth, filter and interlace checked against PIL's pixels.</item>
/// <item>EXIF orientation: read as <c>Image.getexif()</c> reads it (<see cref="ExifOrientation"/>: the
/// first "Exif" APP1 segment of a JPEG, a PNG's eXIf chunk) and applied with Detectron2's transposes.</item>
/// </list>
/// Deliberate differences: only PNG and JPEG content is decoded (PIL would also open GIF, BMP…);
/// PNG orientation held only in a text chunk ("Raw profile type exif") or XMP is not read (PIL 9.4
/// reads both); an EXIF block PIL cannot parse at all (BigTIFF, a header cut short) is ignored where
/// PIL refuses the JPEG; files are treated as untrusted, so the pixel count in the header is checked
/// against <see cref="ImageLoadOptions.MaxPixels"/> before decoding, and cut files are refused as PIL
/// refuses them, and a little more strictly (see <see cref="PngStructure"/>, <see cref="JpegStructure"/>
/// and <see cref="PngDecoder"/> for the exact rules).
/// </remarks>
public static class ImageLoader
{
    private static readonly string[] DecodedExtensions = [".png", ".jpg", ".jpeg"];
    private const string NpyExtension = ".npy";

    /// <summary>Loads an image with <see cref="ImageLoadOptions.Default"/>; see <see cref="Load(string, string, ImageLoadOptions)"/>.</summary>
    /// <exception cref="ImageFormatException">Unsupported format or extension, a missing or unreadable file, or a file refused as described there.</exception>
    public static Image Load(string path, string format) => Load(path, format, ImageLoadOptions.Default);

    /// <summary>
    /// Loads a <c>.png</c>/<c>.jpg</c>/<c>.jpeg</c> (decoded, converted to <paramref name="format"/>)
    /// or a <c>.npy</c> uint8 H×W×3 array that is already in <paramref name="format"/> order. Files
    /// are untrusted: the size is read from the header before decoding, and the structure checked.
    /// </summary>
    /// <param name="path">The file; its extension picks the reader, and an encoded file must hold a PNG or a JPEG whatever its extension says.</param>
    /// <param name="format">"BGR" or "RGB" (Detectron2's <c>INPUT.FORMAT</c>).</param>
    /// <param name="options">Limits, such as <see cref="ImageLoadOptions.MaxPixels"/>.</param>
    /// <exception cref="ImageFormatException">
    /// Unsupported format or extension; a missing, unreadable or directory path; an image whose
    /// header declares no pixels or more than <see cref="ImageLoadOptions.MaxPixels"/>; a truncated
    /// or corrupt file (as PIL refuses them). The message names the file and holds no control characters.
    /// </exception>
    public static Image Load(string path, string format, ImageLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Image.CheckFormat(format, path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == NpyExtension) return LoadNpy(path, format, options);
        if (DecodedExtensions.Contains(extension)) return Decode(path, format, options);
        throw new ImageFormatException($"{path}: unsupported image file extension '{extension}'; supported: {string.Join(", ", DecodedExtensions)}, {NpyExtension}");
    }

    /// <summary>Wraps a copy of an HWC pixel buffer already in <paramref name="format"/> order.</summary>
    /// <exception cref="ImageFormatException">Wrong buffer length, non-positive size, or unsupported format.</exception>
    public static Image FromPixels(byte[] hwc, int height, int width, string format)
    {
        const string source = "pixel buffer";
        Image.CheckFormat(format, source);
        Image.CheckSize(hwc.LongLength, height, width, source);
        return new Image((byte[])hwc.Clone(), height, width, format);
    }

    private static Image LoadNpy(string path, string format, ImageLoadOptions options)
    {
        NpyArray array;
        try
        {
            array = Npy.Read(path);
        }
        catch (NpyFormatException e)
        {
            throw new ImageFormatException(e.Message, e);
        }
        if (!array.IsUInt8 || array.FortranOrder || array.Shape is not [int height, int width, 3])
            throw new ImageFormatException($"{path}: expected a C-order uint8 HxWx3 array but found '{array.DType}' of shape {Tensor.ShapeString(array.Shape)}{(array.FortranOrder ? " in Fortran order" : "")}");
        CheckPixelCount(height, width, path, options);
        Image.CheckSize(array.Data.LongLength, height, width, path);
        return new Image(array.Data, height, width, format);
    }

    private static Image Decode(string path, string format, ImageLoadOptions options)
    {
        byte[] encoded = InputFile.ReadAllBytes(path, (reason, inner) => new ImageFormatException($"{path}: {reason}", inner!));
        return DecodeChecked(encoded, format, path, options);
    }

    /// <summary>
    /// Decodes a PNG or JPEG held in memory (a request body, say), with the same checks and the
    /// same PIL-exact decoding as a file.
    /// </summary>
    /// <param name="encoded">The encoded bytes; untrusted.</param>
    /// <param name="format">"BGR" or "RGB" (Detectron2's <c>INPUT.FORMAT</c>).</param>
    /// <param name="source">What the bytes are, for error messages (e.g. "request image").</param>
    /// <param name="options">Limits; <see cref="ImageLoadOptions.Default"/> when null.</param>
    /// <exception cref="ImageFormatException">The bytes are refused as a file would be; the message starts with <paramref name="source"/>.</exception>
    public static Image Decode(byte[] encoded, string format, string source, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        Image.CheckFormat(format, source);
        return DecodeChecked(encoded, format, source, options ?? ImageLoadOptions.Default);
    }

    private static Image DecodeChecked(byte[] encoded, string format, string source, ImageLoadOptions options)
    {
        var (pixels, height, width) = PillowReader.DecodeRgb(encoded, source, options);
        if (format == "BGR") SwapRedBlue(pixels);
        return new Image(pixels, height, width, format);
    }

    /// <summary>
    /// Refuses empty images and, before any pixel is decoded, images over the limit: a few kilobytes
    /// can declare gigapixels (a decompression bomb). PIL's <c>DecompressionBombError</c> is the model.
    /// </summary>
    internal static void CheckPixelCount(int height, int width, string path, ImageLoadOptions options)
    {
        if (height <= 0 || width <= 0)
            throw new ImageFormatException($"{path}: image size {height}x{width} has no pixels");
        long pixels = (long)height * width;
        if (pixels > options.MaxPixels)
            throw new ImageFormatException($"{path}: image size {height}x{width} ({pixels} pixels) exceeds the limit of {options.MaxPixels} pixels (ImageLoadOptions.MaxPixels); it could be a decompression bomb");
    }

    /// <summary>RGB ↔ BGR in place: <c>image[:, :, ::-1]</c>.</summary>
    internal static void SwapRedBlue(byte[] hwc)
    {
        for (int i = 0; i < hwc.Length; i += 3)
            (hwc[i], hwc[i + 2]) = (hwc[i + 2], hwc[i]);
    }
}
