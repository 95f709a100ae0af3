namespace D2Sharp.Imaging;

/// <summary>
/// Detectron2's <c>read_image</c> up to the channel order: <c>Image.open</c> (the file identified by
/// its content), <c>_apply_exif_orientation</c>, then <c>convert("RGB")</c>, for PNG and JPEG files.
/// </summary>
internal static class PillowReader
{
    /// <summary>Checks <paramref name="encoded"/>'s structure and declared size, then decodes it to upright H×W×3 RGB.</summary>
    /// <exception cref="ImageFormatException">Not a PNG or JPEG, over the pixel limit, or refused by the structure checks or the decoder; the message names <paramref name="source"/>.</exception>
    public static (byte[] Rgb, int Height, int Width) DecodeRgb(byte[] encoded, string source, ImageLoadOptions options)
    {
        byte[] rgb;
        int height, width;
        ReadOnlySpan<byte> exif;
        if (PngStructure.HasSignature(encoded))
        {
            var png = PngStructure.Read(encoded, source);
            (width, height) = (png.Header.Width, png.Header.Height);
            ImageLoader.CheckPixelCount(height, width, source, options);
            rgb = PngDecoder.DecodeRgb(encoded, png, source);
            exif = png.Exif is { } range ? encoded.AsSpan(range) : [];
        }
        else if (JpegStructure.HasSignature(encoded))
        {
            var jpeg = JpegStructure.Read(encoded, source);
            (width, height) = (jpeg.Width, jpeg.Height);
            ImageLoader.CheckPixelCount(height, width, source, options);
            rgb = JpegDecoder.DecodeRgb(encoded, jpeg, source);
            exif = jpeg.Exif is { } range ? encoded.AsSpan(range) : [];
        }
        else
            throw new ImageFormatException($"{source}: cannot decode image: the content is neither a PNG nor a JPEG file");
        Image.CheckSize(rgb.LongLength, height, width, source);
        return ExifOrientation.Apply(rgb, height, width, ExifOrientation.Read(exif));
    }
}
