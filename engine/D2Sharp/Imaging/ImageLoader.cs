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
/// </remarks>
public static class ImageLoader
{
    private static readonly string[] DecodedExtensions = [".png", ".jpg", ".jpeg"];
    private const string NpyExtension = ".npy";

    /// <summary>
    /// Loads a <c>.png</c>/<c>.jpg</c>/<c>.jpeg</c> (decoded, converted to <paramref name="format"/>)
    /// or a <c>.npy</c> uint8 H×W×3 array that is already in <paramref name="format"/> order.
    /// </summary>
    /// <param name="path">The file; its extension picks the reader.</param>
    /// <param name="format">"BGR" or "RGB" (Detectron2's <c>INPUT.FORMAT</c>).</param>
    /// <exception cref="ImageFormatException">Unsupported format or extension, or an unreadable file.</exception>
    public static Image Load(string path, string format)
    {
        Image.CheckFormat(format, path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == NpyExtension) return LoadNpy(path, format);
        if (DecodedExtensions.Contains(extension)) return Decode(path, format);
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

    private static Image LoadNpy(string path, string format)
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
        Image.CheckSize(array.Data.LongLength, height, width, path);
        return new Image(array.Data, height, width, format);
    }

    private static Image Decode(string path, string format)
    {
        byte[] encoded = File.ReadAllBytes(path);
        ImageResult decoded;
        try
        {
            RejectSixteenBitGrey(encoded, path);
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

    private static void RejectSixteenBitGrey(byte[] encoded, string path)
    {
        using var stream = new MemoryStream(encoded, writable: false);
        var info = ImageInfo.FromStream(stream);
        if (info is { BitsPerChannel: 16, ColorComponents: ColorComponents.Grey or ColorComponents.GreyAlpha })
            throw new ImageFormatException($"{path}: 16-bit greyscale images are not supported (PIL clips them to 8 bits; convert the file to 8 bits first)");
    }

    /// <summary>RGB ↔ BGR in place: <c>image[:, :, ::-1]</c>.</summary>
    internal static void SwapRedBlue(byte[] hwc)
    {
        for (int i = 0; i < hwc.Length; i += 3)
            (hwc[i], hwc[i + 2]) = (hwc[i + 2], hwc[i]);
    }
}
