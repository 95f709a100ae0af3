using StbImageSharp;

namespace D2Sharp.Imaging;

/// <summary>Decodes a JPEG whose structure <see cref="JpegStructure"/> has checked to H×W×3 RGB.</summary>
internal static class JpegDecoder
{
    /// <exception cref="ImageFormatException">The decoder refuses the data; the message names <paramref name="path"/>.</exception>
    public static byte[] DecodeRgb(byte[] file, JpegStructure.Layout layout, string path)
    {
        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(file, ColorComponents.RedGreenBlue);
        }
        catch (InvalidOperationException e)
        {
            string reason = string.IsNullOrWhiteSpace(e.Message) ? "corrupt or truncated data" : e.Message;
            throw new ImageFormatException($"{path}: cannot decode image: {reason}", e);
        }
        if (decoded.Width != layout.Width || decoded.Height != layout.Height)
            throw new ImageFormatException($"{path}: cannot decode image: decoded {decoded.Height}x{decoded.Width} where the frame header declares {layout.Height}x{layout.Width}");
        return decoded.Data;
    }
}
