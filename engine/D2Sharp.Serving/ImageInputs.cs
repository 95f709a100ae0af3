using D2Sharp.Imaging;
using D2Sharp.Serving.V1;
using Google.Protobuf;

namespace D2Sharp.Serving;

/// <summary>A request's image, checked and decoded as the library reads untrusted files.</summary>
internal static class ImageInputs
{
    private const string Source = "request image";

    /// <summary>
    /// The image of a request: <paramref name="encoded"/> PNG/JPEG bytes or a <paramref name="raw"/>
    /// pixel buffer (null when the request does not set it), in <paramref name="format"/> order.
    /// </summary>
    /// <exception cref="ImageFormatException">The bytes are not a whole PNG or JPEG, or the raw image's size and bytes disagree.</exception>
    /// <exception cref="InvalidRequestException">No image, or one larger than <paramref name="maxPixels"/>.</exception>
    public static Image Decode(ByteString? encoded, RawImage? raw, string format, long maxPixels)
    {
        if (encoded is { IsEmpty: false })
            return ImageLoader.Decode(encoded.ToByteArray(), format, Source, new ImageLoadOptions { MaxPixels = maxPixels });
        if (raw == null) throw new InvalidRequestException("the request has no image: set image (PNG or JPEG bytes) or raw (decoded pixels)");
        if ((long)raw.Height * raw.Width > maxPixels)
            throw new InvalidRequestException($"raw image of {raw.Height}x{raw.Width} pixels is larger than this server takes ({maxPixels} pixels)");
        var image = ImageLoader.FromPixels(raw.Pixels.ToByteArray(), raw.Height, raw.Width, raw.Format.Length > 0 ? raw.Format : format);
        return InFormat(image, format);
    }

    /// <summary><paramref name="image"/> with its channels in <paramref name="format"/> order: a swapped copy when it is in the other order.</summary>
    public static Image InFormat(Image image, string format)
    {
        if (image.Format == format) return image;
        var pixels = (byte[])image.Pixels.Clone();
        for (int i = 0; i < pixels.Length; i += 3) (pixels[i], pixels[i + 2]) = (pixels[i + 2], pixels[i]);
        return ImageLoader.FromPixels(pixels, image.Height, image.Width, format);
    }
}
