using D2Sharp.IO;
using StbImageSharp;

namespace D2Sharp.Imaging;

/// <summary>
/// Loads images the way Detectron2's <c>detection_utils.read_image</c> does: decode, convert to
/// RGB (as PIL's <c>.convert("RGB")</c>: grey is replicated, alpha dropped, palettes expanded),
/// then flip to BGR when that is the requested format.
/// </summary>
/// <remarks>
/// Differences from Detectron2 that are deliberate: EXIF orientation is ignored (Detectron2
/// rotates/flips by the EXIF tag; pass already-upright images). JPEGs are decoded by stb_image,
/// whose IDCT, chroma upsampling and colour conversion round differently from PIL's libjpeg, so
/// JPEG pixels may differ from Detectron2's by a level or two; PNGs are lossless and match exactly.
/// 16-bit greyscale PNGs are refused because PIL clips them to 8 bits where stb_image shifts them.
/// Files are treated as untrusted: only PNG and JPEG content is decoded (PIL would also open GIF,
/// BMP...), the pixel count in the header is checked against <see cref="ImageLoadOptions.MaxPixels"/>
/// before decoding, and truncated files are refused as PIL refuses them (see <see cref="PngStructure"/>
/// and <see cref="JpegStructure"/> for the exact rules).
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
    /// Decodes a PNG or JPEG held in memory (a request body, say), with the same checks as a file:
    /// the content must be a PNG or a JPEG, the header's size is checked against
    /// <paramref name="options"/>' <see cref="ImageLoadOptions.MaxPixels"/> before decoding, and cut or
    /// corrupt data is refused as PIL refuses it.
    /// </summary>
    /// <param name="encoded">The encoded bytes; untrusted.</param>
    /// <param name="format">"BGR" or "RGB" (Detectron2's <c>INPUT.FORMAT</c>).</param>
    /// <param name="source">What the bytes are, for error messages (e.g. "request image").</param>
    /// <param name="options">Limits; <see cref="ImageLoadOptions.Default"/> when null.</param>
    /// <exception cref="ImageFormatException">The bytes are refused as described; the message starts with <paramref name="source"/>.</exception>
    public static Image Decode(byte[] encoded, string format, string source, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        Image.CheckFormat(format, source);
        return DecodeChecked(encoded, format, source, options ?? ImageLoadOptions.Default);
    }

    private static Image DecodeChecked(byte[] encoded, string format, string path, ImageLoadOptions options)
    {
        var (width, height) = ReadStructure(encoded, path);
        CheckPixelCount(height, width, path, options);
        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(encoded, ColorComponents.RedGreenBlue);
        }
        catch (InvalidOperationException e)
        {
            string reason = string.IsNullOrWhiteSpace(e.Message) ? "corrupt or truncated data" : e.Message;
            throw new ImageFormatException($"{path}: cannot decode image: {reason}", e);
        }
        byte[] pixels = decoded.Data;
        Image.CheckSize(pixels.LongLength, decoded.Height, decoded.Width, path);
        if (format == "BGR") SwapRedBlue(pixels);
        return new Image(pixels, decoded.Height, decoded.Width, format);
    }

    /// <summary>Checks the container by its content (as PIL identifies files) and returns the size its header declares.</summary>
    private static (int Width, int Height) ReadStructure(byte[] encoded, string path)
    {
        if (PngStructure.HasSignature(encoded))
        {
            var header = PngStructure.Read(encoded, path);
            if (header is { BitDepth: 16, ColorType: PngStructure.GreyColorType or PngStructure.GreyAlphaColorType })
                throw new ImageFormatException($"{path}: 16-bit greyscale images are not supported (PIL clips them to 8 bits; convert the file to 8 bits first)");
            return (header.Width, header.Height);
        }
        if (JpegStructure.HasSignature(encoded)) return JpegStructure.Read(encoded, path);
        throw new ImageFormatException($"{path}: cannot decode image: the content is neither a PNG nor a JPEG file");
    }

    /// <summary>
    /// Refuses empty images and, before any pixel is decoded, images over the limit: a few kilobytes
    /// can declare gigapixels (a decompression bomb). PIL's <c>DecompressionBombError</c> is the model.
    /// </summary>
    private static void CheckPixelCount(int height, int width, string path, ImageLoadOptions options)
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
