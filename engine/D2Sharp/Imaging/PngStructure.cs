using System.Buffers.Binary;

namespace D2Sharp.Imaging;

/// <summary>
/// Checks a PNG's chunk structure before it is decoded, reads its header (IHDR) and finds the chunks
/// <see cref="PngDecoder"/> and <see cref="ExifOrientation"/> need. A cut file or one with broken
/// chunks is refused here, with a readable reason, before any pixel is decoded.
/// </summary>
/// <remarks>
/// Refused as PIL refuses them: a chunk type that is not four letters or digits ("broken PNG
/// file"), a bad CRC in a chunk before the image data (PIL checks those, not IDAT's), and image
/// data cut short ("image file is truncated"). Refused where PIL is more lenient: a file without
/// the IEND chunk (PIL loads it when the image data is complete; without IEND a cut after the image
/// data cannot be told from a whole file).
/// </remarks>
internal static class PngStructure
{
    /// <summary>The PNG signature: \x89 P N G \r \n \x1A \n.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Chunk length, type, (data), CRC: 12 bytes around the data.</summary>
    private const int ChunkOverhead = 12;

    private const int HeaderLength = 13;

    /// <summary>IHDR colour types without colour: grey and grey with alpha.</summary>
    public const int GreyColorType = 0, GreyAlphaColorType = 4;

    /// <summary>What the IHDR chunk says.</summary>
    public readonly record struct Header(int Width, int Height, int BitDepth, int ColorType, int FilterMethod, int InterlaceMethod);

    /// <summary>
    /// The header and where the chunks that decoding needs lie in the file: the palette (the last
    /// PLTE before the image data), every IDAT's data in order, and the eXIf chunk PIL's
    /// <c>getexif()</c> reads (the last one before the image data; without one, the last after it,
    /// which PIL reads only when it loads the rest of the file).
    /// </summary>
    public sealed record Layout(Header Header, Range? Palette, IReadOnlyList<Range> ImageData, Range? Exif);

    public static bool HasSignature(ReadOnlySpan<byte> file) => file.StartsWith(Signature);

    /// <summary>Walks every chunk up to IEND and returns the IHDR fields and where the chunks that decoding needs are.</summary>
    /// <exception cref="ImageFormatException">The structure is broken or cut short; the message names <paramref name="path"/>.</exception>
    public static Layout Read(ReadOnlySpan<byte> file, string path)
    {
        Header? header = null;
        bool inImageData = false;
        Range? palette = null, exifBefore = null, exifAfter = null;
        var imageData = new List<Range>();
        int position = Signature.Length;
        while (true)
        {
            if (file.Length - position < 8)
                throw Broken(path, header == null ? "truncated before the IHDR chunk" : "truncated: the file ends before the IEND chunk");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            var type = file.Slice(position + 4, 4);
            string name = ChunkName(type);
            if (!IsChunkType(type))
                throw Broken(path, $"broken PNG file (chunk type {name} at byte {position} is not four letters)");
            // The PNG spec caps chunk lengths at 2^31 - 1.
            if (length > int.MaxValue)
                throw Broken(path, $"broken PNG file (chunk {name} declares {length} bytes)");
            if (file.Length - position - ChunkOverhead < length)
                throw Broken(path, $"truncated: chunk {name} declares {length} bytes but only {Math.Max(0, file.Length - position - ChunkOverhead)} remain");

            var data = file.Slice(position + 8, (int)length);
            if (header == null)
            {
                if (name != "IHDR" || length != HeaderLength)
                    throw Broken(path, $"broken PNG file (the first chunk is {name} of {length} bytes, not a {HeaderLength}-byte IHDR)");
                header = new Header(ReadDimension(data), ReadDimension(data[4..]), data[8], data[9], data[11], data[12]);
            }
            var dataRange = new Range(position + 8, position + 8 + (int)length);
            if (name == "IDAT")
            {
                inImageData = true;
                imageData.Add(dataRange);
            }
            else if (name == "PLTE" && !inImageData) palette = dataRange;
            else if (name == "eXIf")
            {
                if (inImageData) exifAfter = dataRange;
                else exifBefore = dataRange;
            }
            // PIL verifies the CRC of every chunk it parses before the image data.
            if (!inImageData && PngCrc.Compute(file.Slice(position + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(file[(position + 8 + (int)length)..]))
                throw Broken(path, $"broken PNG file (bad CRC in chunk {name})");
            if (name == "IEND") return new Layout(header.Value, palette, imageData, exifBefore ?? exifAfter);
            position += ChunkOverhead + (int)length;
        }
    }

    /// <summary>Width and height are unsigned in the file; values past <see cref="int.MaxValue"/> (invalid PNG) saturate, and the pixel limit refuses them.</summary>
    private static int ReadDimension(ReadOnlySpan<byte> bytes) => (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(bytes), int.MaxValue);

    /// <summary>PIL's test (<c>\w\w\w\w</c>, ASCII): letters, digits or '_'.</summary>
    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == '_')) return false;
        return true;
    }

    /// <summary>The type as text, with bytes that are not printable ASCII escaped, so messages hold no control characters.</summary>
    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        var text = new System.Text.StringBuilder(4);
        foreach (byte b in type)
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
        return text.ToString();
    }

    private static ImageFormatException Broken(string path, string reason) => new($"{path}: {reason}");
}
