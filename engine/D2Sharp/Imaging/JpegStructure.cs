using System.Buffers.Binary;

namespace D2Sharp.Imaging;

/// <summary>
/// Checks a JPEG's marker structure before it is decoded, and reads its size from the frame header
/// (SOFn). Decoders left alone decode a cut JPEG, filling the missing blocks; PIL refuses it
/// ("image file is truncated"). This walk refuses it too: every segment must be complete, and the
/// entropy-coded data of every scan must end at a marker, the last one EOI.
/// </summary>
/// <remarks>
/// PIL is more lenient in one case: a file whose scan data is complete but lacks only the final EOI
/// marker loads in PIL and is refused here, since without the marker a cut cannot be told apart.
/// </remarks>
internal static class JpegStructure
{
    /// <summary>
    /// The frame's size, and the TIFF structure of the EXIF block PIL reads: the
    /// data after "Exif\0\0" in the first APP1 segment before the first scan whose data starts
    /// "Exif\0" (PIL's test; when the second NUL is missing the block has no TIFF header, so the range is empty).
    /// </summary>
    public readonly record struct Layout(int Width, int Height, Range? Exif);

    private const byte App1 = 0xE1;

    private const byte MarkerPrefix = 0xFF;
    private const byte StartOfImage = 0xD8, EndOfImage = 0xD9, StartOfScan = 0xDA, Temporary = 0x01;
    private const byte FirstRestart = 0xD0, LastRestart = 0xD7;

    /// <summary>SOI followed by the prefix of a marker.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> file) => file.Length >= 3 && file[0] == MarkerPrefix && file[1] == StartOfImage && file[2] == MarkerPrefix;

    /// <summary>Walks every segment and scan up to EOI and returns the frame's size and where the EXIF block is.</summary>
    /// <exception cref="ImageFormatException">The structure is broken or cut short; the message names <paramref name="path"/>.</exception>
    public static Layout Read(ReadOnlySpan<byte> file, string path)
    {
        (int Width, int Height)? frame = null;
        Range? exif = null;
        bool scanned = false;
        int position = 2;
        while (true)
        {
            // A marker is 0xFF, any number of 0xFF fill bytes, then the code.
            if (position >= file.Length || file[position] != MarkerPrefix)
                throw Broken(path, position >= file.Length ? "image file is truncated (no EOI marker)" : $"broken JPEG file (no marker at byte {position})");
            while (position < file.Length && file[position] == MarkerPrefix) position++;
            if (position >= file.Length)
                throw Broken(path, "image file is truncated (no EOI marker)");
            byte code = file[position++];

            if (code == EndOfImage)
            {
                if (frame is not { } found || !scanned)
                    throw Broken(path, "broken JPEG file (EOI before any image data)");
                return new Layout(found.Width, found.Height, exif);
            }
            if (code is Temporary or (>= FirstRestart and <= LastRestart)) continue;

            if (file.Length - position < 2)
                throw Broken(path, $"image file is truncated (inside the header of marker 0x{code:X2})");
            int length = BinaryPrimitives.ReadUInt16BigEndian(file[position..]);
            if (length < 2)
                throw Broken(path, $"broken JPEG file (marker 0x{code:X2} declares a {length}-byte segment)");
            if (file.Length - position < length)
                throw Broken(path, $"image file is truncated (segment 0x{code:X2} declares {length} bytes but only {file.Length - position} remain)");
            int segmentStart = position + 2;
            var segment = file.Slice(segmentStart, length - 2);
            position += length;

            if (IsFrameHeader(code))
            {
                if (segment.Length < 5)
                    throw Broken(path, $"broken JPEG file (frame header 0x{code:X2} of {segment.Length} bytes)");
                // Precision (1 byte), then lines and samples per line, big-endian.
                frame = (BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }
            else if (code == App1 && exif == null && !scanned && segment.StartsWith("Exif\0"u8))
            {
                int prefix = segment.StartsWith("Exif\0\0"u8) ? 6 : segment.Length;
                exif = new Range(segmentStart + prefix, segmentStart + segment.Length);
            }
            else if (code == StartOfScan)
            {
                if (frame == null)
                    throw Broken(path, "broken JPEG file (a scan before the frame header)");
                position = EndOfScanData(file, position, path);
                scanned = true;
            }
        }
    }

    /// <summary>
    /// The position of the marker that ends the entropy-coded data starting at <paramref name="start"/>:
    /// the first 0xFF followed by neither a stuffed 0x00 nor a restart marker (fill bytes before the
    /// marker are skipped by the caller).
    /// </summary>
    private static int EndOfScanData(ReadOnlySpan<byte> file, int start, string path)
    {
        int position = start;
        while (true)
        {
            int next = file[position..].IndexOf(MarkerPrefix);
            if (next < 0 || position + next + 1 >= file.Length)
                throw Broken(path, "image file is truncated (the scan data ends before the EOI marker)");
            position += next;
            byte following = file[position + 1];
            if (following == 0x00 || following is >= FirstRestart and <= LastRestart)
            {
                position += 2;
                continue;
            }
            return position;
        }
    }

    /// <summary>SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.</summary>
    private static bool IsFrameHeader(byte code) => code is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    private static ImageFormatException Broken(string path, string reason) => new($"{path}: {reason}");
}
