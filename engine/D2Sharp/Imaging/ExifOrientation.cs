using System.Buffers.Binary;

namespace D2Sharp.Imaging;

/// <summary>
/// The EXIF orientation tag (0x0112) read as PIL 9.4's <c>Image.getexif()</c> reads it, and applied as
/// Detectron2's <c>_apply_exif_orientation</c> applies it (orientations 2–8 are flips and transposes;
/// any other value, or no readable tag, leaves the image as it is).
/// </summary>
/// <remarks>
/// The block is untrusted: every offset is checked against its length, only IFD0 is read (PIL looks
/// nowhere else for the tag, so no chain of IFDs is followed) and its entry count is at most 65,535.
/// PIL's rules, each checked against PIL on crafted blocks (<c>tests/fixtures/pil_decode/make.py</c>):
/// the TIFF header is <c>II*\0</c>, <c>MM\0*</c> or the swapped <c>MM*\0</c> / <c>II\0*</c>; IFD0 is
/// read entry by entry and reading stops, keeping the entries before it, at the first entry that
/// does not fit or whose out-of-line value lies past the end; entries of an unknown type or with a
/// zero count are skipped; a later entry for the tag replaces an earlier one; the first value of a
/// numeric type counts when it is a whole number (a RATIONAL 12/2 is 6), and BYTE, ASCII and
/// UNDEFINED values never do. Where PIL fails instead (a header shorter than 8 bytes, BigTIFF), PIL
/// refuses to open the JPEG at all; here the block is ignored and the image loads unrotated.
/// </remarks>
internal static class ExifOrientation
{
    /// <summary>The orientation that leaves the image as it is.</summary>
    public const int Upright = 1;

    private const ushort OrientationTag = 0x0112;
    private const int HeaderLength = 8, EntryLength = 12, InlineBytes = 4;

    /// <summary>
    /// Reads the orientation from a TIFF structure: a PNG eXIf chunk's data, or a JPEG APP1 "Exif"
    /// segment's data after its "Exif\0\0" (PIL strips exactly that, so a segment that starts
    /// "Exif\0" and then anything else has no TIFF header and no orientation).
    /// </summary>
    /// <returns>2–8 for an orientation Detectron2 applies; <see cref="Upright"/> otherwise.</returns>
    public static int Read(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < HeaderLength || !TryByteOrder(tiff, out bool little)) return Upright;
        uint ifd = U32(tiff[4..], little);
        if (ifd > (uint)tiff.Length - 2) return Upright;

        int count = U16(tiff[(int)ifd..], little);
        long position = ifd + 2L;
        Entry? orientation = null;
        for (int i = 0; i < count && position + EntryLength <= tiff.Length; i++, position += EntryLength)
        {
            var entry = tiff.Slice((int)position, EntryLength);
            int type = U16(entry[2..], little);
            int unit = UnitSize(type);
            if (unit == 0) continue;
            long size = U32(entry[4..], little) * (long)unit;
            var value = entry.Slice(8, InlineBytes);
            if (size > InlineBytes)
            {
                uint offset = U32(value, little);
                // PIL reads the out-of-line value here; a short read ends the whole IFD.
                if (offset + size > tiff.Length) break;
                value = tiff.Slice((int)offset, unit);
            }
            if (size == 0) continue;
            if (U16(entry, little) == OrientationTag) orientation = new Entry(type, value.ToArray());
        }
        return orientation is { } found && Whole(found, little) is >= 2 and <= 8 and long applied ? (int)applied : Upright;
    }

    /// <summary>Applies <paramref name="orientation"/> to an H×W×3 image: PIL's <c>transpose</c> with Detectron2's method for it.</summary>
    /// <returns>The new pixels and size (height and width swap for 5–8); the input itself for <see cref="Upright"/>.</returns>
    public static (byte[] Pixels, int Height, int Width) Apply(byte[] hwc, int height, int width, int orientation)
    {
        if (orientation == Upright) return (hwc, height, width);
        bool swaps = orientation >= 5;
        int outHeight = swaps ? width : height, outWidth = swaps ? height : width;
        var output = new byte[hwc.Length];
        for (int y = 0; y < outHeight; y++)
            for (int x = 0; x < outWidth; x++)
            {
                // Where the output pixel (y, x) comes from, for each of Detectron2's methods.
                (int sy, int sx) = orientation switch
                {
                    2 => (y, width - 1 - x),                    // FLIP_LEFT_RIGHT
                    3 => (height - 1 - y, width - 1 - x),       // ROTATE_180
                    4 => (height - 1 - y, x),                   // FLIP_TOP_BOTTOM
                    5 => (x, y),                                // TRANSPOSE
                    6 => (height - 1 - x, y),                   // ROTATE_270 (90° clockwise)
                    7 => (height - 1 - x, width - 1 - y),       // TRANSVERSE
                    8 => (x, width - 1 - y),                    // ROTATE_90 (90° anticlockwise)
                    _ => throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "an EXIF orientation is 1 to 8"),
                };
                hwc.AsSpan((sy * width + sx) * 3, 3).CopyTo(output.AsSpan((y * outWidth + x) * 3));
            }
        return (output, outHeight, outWidth);
    }

    private readonly record struct Entry(int Type, byte[] Value);

    private static bool TryByteOrder(ReadOnlySpan<byte> tiff, out bool little)
    {
        little = tiff[0] == 'I';
        return tiff[..4].SequenceEqual("II*\0"u8) || tiff[..4].SequenceEqual("MM\0*"u8)
            || tiff[..4].SequenceEqual("MM*\0"u8) || tiff[..4].SequenceEqual("II\0*"u8);
    }

    /// <summary>Bytes per value of the TIFF types PIL 9.4 reads; 0 for the types it skips.</summary>
    private static int UnitSize(int type) => type switch
    {
        1 or 2 or 6 or 7 => 1,       // BYTE, ASCII, SBYTE, UNDEFINED
        3 or 8 => 2,                 // SHORT, SSHORT
        4 or 9 or 11 or 13 => 4,     // LONG, SLONG, FLOAT, IFD
        5 or 10 or 12 or 16 => 8,    // RATIONAL, SRATIONAL, DOUBLE, LONG8
        _ => 0,
    };

    /// <summary>The first value as a whole number, or null when it is not one (or not a number at all).</summary>
    private static long? Whole(Entry entry, bool little)
    {
        var v = entry.Value.AsSpan();
        return entry.Type switch
        {
            3 => U16(v, little),
            4 or 13 => U32(v, little),
            6 => (sbyte)v[0],
            8 => (short)U16(v, little),
            9 => (int)U32(v, little),
            16 => little ? (long)BinaryPrimitives.ReadUInt64LittleEndian(v) : (long)BinaryPrimitives.ReadUInt64BigEndian(v),
            5 => Ratio(U32(v, little), U32(v[4..], little)),
            10 => Ratio((int)U32(v, little), (int)U32(v[4..], little)),
            11 => WholeOrNull(little ? BinaryPrimitives.ReadSingleLittleEndian(v) : BinaryPrimitives.ReadSingleBigEndian(v)),
            12 => WholeOrNull(little ? BinaryPrimitives.ReadDoubleLittleEndian(v) : BinaryPrimitives.ReadDoubleBigEndian(v)),
            _ => null,
        };
    }

    private static long? Ratio(long numerator, long denominator) =>
        denominator != 0 && numerator % denominator == 0 ? numerator / denominator : null;

    private static long? WholeOrNull(double value) => value == Math.Floor(value) && Math.Abs(value) < 1e15 ? (long)value : null;

    private static ushort U16(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
