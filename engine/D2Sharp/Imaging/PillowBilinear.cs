namespace D2Sharp.Imaging;

/// <summary>
/// Pillow's <c>Image.resize(size, Image.BILINEAR)</c> on an 8-bit RGB image, reproduced bit for
/// bit from <c>src/libImaging/Resample.c</c> (unchanged in its arithmetic from Pillow 5 to 12).
/// It is not textbook bilinear interpolation: each axis is a convolution with a triangle filter
/// whose support widens with the downscale factor (so shrinking averages, i.e. antialiases), the
/// weights are normalised in double precision, then quantised to 22-bit fixed point, and the
/// horizontal pass is rounded to uint8 before the vertical pass reads it.
/// </summary>
/// <remarks>
/// Pillow releases from 2026-04 on resample an image more than 100 times taller than wide
/// vertically first; that path is not reproduced (Detectron2's fixtures were made with Pillow 9.4).
/// </remarks>
internal static class PillowBilinear
{
    /// <summary>Fixed-point fraction bits: 32 bits minus 8 for the pixel and 2 for overflow headroom.</summary>
    private const int PrecisionBits = 32 - 8 - 2;

    private const int Channels = 3;

    /// <summary>The triangle filter's half-width at scale 1.</summary>
    private const double Support = 1.0;

    /// <summary>For each output position along one axis, the first input index, how many inputs it reads, and their weights.</summary>
    private sealed record Coefficients(int[] First, int[] Count, int[] Weights, int Stride);

    /// <summary>Resizes interleaved HWC RGB(or BGR) bytes; the channels are filtered independently.</summary>
    /// <exception cref="ImageFormatException">A buffer the resize needs would not fit in one .NET array.</exception>
    public static byte[] Resize(byte[] pixels, int height, int width, int newHeight, int newWidth)
    {
        if (newHeight < 1 || newWidth < 1)
            throw new ImageFormatException($"cannot resize {height}x{width} to {newHeight}x{newWidth}: both sides must be at least 1");
        CheckLength((long)newHeight * newWidth * Channels, height, width, newHeight, newWidth);
        bool horizontal = newWidth != width;
        bool vertical = newHeight != height;
        if (!horizontal && !vertical) return (byte[])pixels.Clone();

        var rows = Precompute(height, newHeight);
        byte[] source = pixels;
        int firstRow = 0;
        if (horizontal)
        {
            // Like Pillow, filter only the rows the vertical pass will read.
            firstRow = rows.First[0];
            int lastRow = rows.First[newHeight - 1] + rows.Count[newHeight - 1];
            CheckLength((long)(lastRow - firstRow) * newWidth * Channels, height, width, newHeight, newWidth);
            source = ResampleRows(pixels, width, firstRow, lastRow, Precompute(width, newWidth), newWidth);
        }
        return vertical ? ResampleColumns(source, newWidth, firstRow, rows, newHeight) : source;
    }

    /// <summary>
    /// Pillow's <c>precompute_coeffs</c> for the full source range (box 0..inSize) followed by
    /// <c>normalize_coeffs_8bpc</c>. The double expressions keep Pillow's operation order so the
    /// weights round identically.
    /// </summary>
    private static Coefficients Precompute(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        int stride = (int)Math.Ceiling(support) * 2 + 1;
        double inverseFilterScale = 1.0 / filterScale;
        // About 2·inSize + 3·outSize weights: Pillow raises MemoryError past 2 GiB of doubles; this
        // table holds ints, so it only fails where .NET cannot make the array at all.
        long weightCount = (long)outSize * stride;
        if (weightCount > Array.MaxLength)
            throw new ImageFormatException($"cannot resample {inSize} pixels to {outSize}: the filter needs {weightCount} weights, more than one array holds");

        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[weightCount];
        var raw = new double[stride];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int lo = Math.Max(0, (int)(center - support + 0.5));
            int hi = Math.Min(inSize, (int)(center + support + 0.5));
            int n = hi - lo;
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                raw[i] = Triangle((i + lo - center + 0.5) * inverseFilterScale);
                sum += raw[i];
            }
            for (int i = 0; i < n; i++)
            {
                double w = sum != 0.0 ? raw[i] / sum : raw[i];
                weights[o * stride + i] = ToFixedPoint(w);
            }
            first[o] = lo;
            count[o] = n;
        }
        return new Coefficients(first, count, weights, stride);
    }

    /// <summary>Refuses, as a typed error, a buffer longer than a .NET array can be (instead of an overflow or out-of-memory crash).</summary>
    private static void CheckLength(long bytes, int height, int width, int newHeight, int newWidth)
    {
        if (bytes > Array.MaxLength)
            throw new ImageFormatException($"cannot resize {height}x{width} to {newHeight}x{newWidth}: {bytes} bytes do not fit in one array");
    }

    /// <summary>Pillow's <c>bilinear_filter</c>: 1 − |x| on (−1, 1), else 0.</summary>
    private static double Triangle(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /// <summary>Round half away from zero into 22-bit fixed point, as <c>normalize_coeffs_8bpc</c>.</summary>
    private static int ToFixedPoint(double w) =>
        w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));

    /// <summary>Pillow's <c>clip8</c>: drop the fraction (the accumulator starts at one half, so this rounds) and clamp.</summary>
    private static byte Clip8(int accumulator)
    {
        int value = accumulator >> PrecisionBits;
        return value < 0 ? (byte)0 : value > 255 ? (byte)255 : (byte)value;
    }

    /// <summary>Horizontal pass over rows [firstRow, lastRow) of the source; returns those rows at the new width.</summary>
    private static byte[] ResampleRows(byte[] src, int width, int firstRow, int lastRow, Coefficients cols, int newWidth)
    {
        int rowCount = lastRow - firstRow;
        var dst = new byte[rowCount * newWidth * Channels];
        const int half = 1 << (PrecisionBits - 1);
        for (int r = 0; r < rowCount; r++)
        {
            int srcRow = (firstRow + r) * width * Channels;
            int dstRow = r * newWidth * Channels;
            for (int x = 0; x < newWidth; x++)
            {
                int lo = cols.First[x], n = cols.Count[x], k = x * cols.Stride;
                int s0 = half, s1 = half, s2 = half;
                for (int i = 0; i < n; i++)
                {
                    int p = srcRow + (lo + i) * Channels;
                    int w = cols.Weights[k + i];
                    s0 += src[p] * w;
                    s1 += src[p + 1] * w;
                    s2 += src[p + 2] * w;
                }
                int d = dstRow + x * Channels;
                dst[d] = Clip8(s0);
                dst[d + 1] = Clip8(s1);
                dst[d + 2] = Clip8(s2);
            }
        }
        return dst;
    }

    /// <summary>Vertical pass; <paramref name="rowOffset"/> is the source row that <paramref name="src"/>'s first row holds.</summary>
    private static byte[] ResampleColumns(byte[] src, int width, int rowOffset, Coefficients rows, int newHeight)
    {
        int rowBytes = width * Channels;
        var dst = new byte[newHeight * rowBytes];
        const int half = 1 << (PrecisionBits - 1);
        for (int y = 0; y < newHeight; y++)
        {
            int lo = rows.First[y] - rowOffset, n = rows.Count[y], k = y * rows.Stride;
            int dstRow = y * rowBytes;
            for (int b = 0; b < rowBytes; b++)
            {
                int s = half;
                for (int i = 0; i < n; i++)
                    s += src[(lo + i) * rowBytes + b] * rows.Weights[k + i];
                dst[dstRow + b] = Clip8(s);
            }
        }
        return dst;
    }
}
