namespace D2Sharp.Runtime;

/// <summary>An instance's mask over the whole image: one bit per pixel, row-major.</summary>
public sealed class BitMask
{
    private readonly ulong[] _bits;

    internal BitMask(int height, int width)
    {
        Height = height;
        Width = width;
        _bits = new ulong[((long)height * width + 63) / 64];
    }

    /// <summary>Rows of the mask: the original image's height in pixels.</summary>
    public int Height { get; }
    /// <summary>Columns of the mask: the original image's width in pixels.</summary>
    public int Width { get; }

    /// <summary>Whether the pixel at row <paramref name="y"/>, column <paramref name="x"/> (original-image pixels) belongs to the instance.</summary>
    public bool this[int y, int x]
    {
        get
        {
            long i = (long)y * Width + x;
            return (_bits[i >> 6] >> (int)(i & 63) & 1) != 0;
        }
        internal set
        {
            long i = (long)y * Width + x;
            if (value) _bits[i >> 6] |= 1UL << (int)(i & 63);
            else _bits[i >> 6] &= ~(1UL << (int)(i & 63));
        }
    }

    /// <summary>Pixels in the mask.</summary>
    public long Area => _bits.Sum(w => (long)ulong.PopCount(w));

    /// <summary>The mask as 0/1 bytes, row-major (what Detectron2's bool tensor holds).</summary>
    public void CopyTo(Span<byte> target)
    {
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                target[y * Width + x] = this[y, x] ? (byte)1 : (byte)0;
    }

    /// <summary>
    /// COCO's uncompressed run-length encoding: run lengths over the pixels in column-major order,
    /// starting with a run of zeros (0 when the first pixel is set).
    /// </summary>
    public IReadOnlyList<long> ToRleCounts()
    {
        var counts = new List<long>();
        bool current = false;
        long run = 0;
        for (int x = 0; x < Width; x++)
            for (int y = 0; y < Height; y++)
            {
                if (this[y, x] != current)
                {
                    counts.Add(run);
                    current = !current;
                    run = 0;
                }
                run++;
            }
        counts.Add(run);
        return counts;
    }

    /// <summary>
    /// COCO's compressed RLE string (pycocotools' <c>rleToString</c>): each run length, from the third
    /// on as the difference to the run two before, in 5-bit groups, low group first, each a character
    /// '0' + group with 32 added while more groups follow (the last group's bit 4 is the sign).
    /// </summary>
    public string ToCocoRleString()
    {
        var counts = ToRleCounts();
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < counts.Count; i++)
        {
            long x = i > 2 ? counts[i] - counts[i - 2] : counts[i];
            bool more = true;
            while (more)
            {
                long group = x & 0x1f;
                x >>= 5;
                more = (group & 0x10) != 0 ? x != -1 : x != 0;
                if (more) group |= 0x20;
                text.Append((char)(group + 48));
            }
        }
        return text.ToString();
    }
}
