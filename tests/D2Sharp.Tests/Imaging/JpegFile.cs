using System.Buffers.Binary;

namespace D2Sharp.Tests.Imaging;

/// <summary>
/// A minimal baseline JPEG encoder for tests: one grey component, quantisation 1, each 8×8 block
/// flat (only its DC coefficient), so decoders reproduce the block levels exactly and files of any
/// size can be made without an image library.
/// </summary>
internal static class JpegFile
{
    // The standard luminance DC table (ITU T.81 Annex K.3): code counts per length 1..16, symbols 0..11.
    private static readonly byte[] DcCounts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A grey JPEG of <paramref name="width"/>×<paramref name="height"/> whose block (by, bx) has level <paramref name="level"/>(by, bx).</summary>
    public static byte[] Encode(int width, int height, Func<int, int, byte> level)
    {
        var file = new MemoryStream();
        file.Write([0xFF, 0xD8]);
        Segment(file, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(file, 0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        Segment(file, 0xC4, [0x00, .. DcCounts, .. Enumerable.Range(0, 12).Select(i => (byte)i)]);
        // An AC table with one code, "0", for end-of-block.
        Segment(file, 0xC4, [0x10, 1, .. new byte[15], 0x00]);
        Segment(file, 0xDA, [1, 1, 0x00, 0, 63, 0]);
        file.Write(ScanData(width, height, level));
        file.Write([0xFF, 0xD9]);
        return file.ToArray();
    }

    private static void Segment(Stream file, byte marker, byte[] body)
    {
        var header = new byte[4];
        header[0] = 0xFF;
        header[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(body.Length + 2));
        file.Write(header);
        file.Write(body);
    }

    private static byte[] ScanData(int width, int height, Func<int, int, byte> level)
    {
        var codes = DcCodes();
        var bits = new BitWriter();
        int previous = 0;
        for (int by = 0; by < (height + 7) / 8; by++)
            for (int bx = 0; bx < (width + 7) / 8; bx++)
            {
                // A flat block of level v has DC coefficient 8·(v − 128) after the level shift.
                int dc = 8 * (level(by, bx) - 128), diff = dc - previous;
                previous = dc;
                int category = diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));
                bits.Write(codes[category].Code, codes[category].Length);
                bits.Write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
                bits.Write(0, 1); // end of block
            }
        return bits.Finish();
    }

    /// <summary>Canonical Huffman codes from <see cref="DcCounts"/>.</summary>
    private static (int Code, int Length)[] DcCodes()
    {
        var codes = new (int, int)[12];
        int code = 0, symbol = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int i = 0; i < DcCounts[length - 1]; i++) codes[symbol++] = (code++, length);
            code <<= 1;
        }
        return codes;
    }

    /// <summary>Packs bits most significant first, stuffing a 0x00 after every 0xFF byte, and pads the last byte with ones.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer, _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8) Flush();
            }
        }

        public byte[] Finish()
        {
            while (_count != 0) Write(1, 1);
            return [.. _bytes];
        }

        private void Flush()
        {
            _bytes.Add((byte)_buffer);
            if (_buffer == 0xFF) _bytes.Add(0);
            _buffer = _count = 0;
        }
    }
}
