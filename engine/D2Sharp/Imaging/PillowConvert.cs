namespace D2Sharp.Imaging;

/// <summary>
/// PIL 9.4's <c>convert("RGB")</c> of the modes a PNG opens as, applied to one row of unfiltered
/// PNG samples. Each rule was checked against PIL on generated files (<c>tests/fixtures/pil_decode/make.py</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Grey of 1, 2 or 4 bits is scaled to 8 (×255, ×85, ×17) and replicated.</item>
/// <item>16-bit grey opens as mode "I" (the 16-bit value), which <c>convert("RGB")</c> clips to 0–255:
/// 256 and above become 255, so most 16-bit greys are white (where most decoders keep the high byte).</item>
/// <item>Every other 16-bit sample (RGB, RGBA, grey+alpha) keeps its high byte.</item>
/// <item>Alpha is dropped, not composited; tRNS transparency is ignored.</item>
/// <item>A palette index past the PLTE entries takes the grey (i, i, i): PIL's palette starts as a
/// grey ramp and PLTE overwrites its first entries.</item>
/// </list>
/// </remarks>
internal static class PillowConvert
{
    /// <summary>PNG colour types (IHDR).</summary>
    public const int Grey = 0, Rgb = 2, Palette = 3, GreyAlpha = 4, Rgba = 6;

    /// <summary>The most palette entries PIL accepts; a longer PLTE is "invalid palette size".</summary>
    public const int MaxPaletteEntries = 256;

    /// <summary>Samples per pixel of a colour type.</summary>
    public static int Channels(int colorType) => colorType switch
    {
        Grey or Palette => 1,
        GreyAlpha => 2,
        Rgb => 3,
        Rgba => 4,
        _ => 0,
    };

    /// <summary>Whether PNG allows <paramref name="bitDepth"/> with <paramref name="colorType"/> (PIL opens exactly these).</summary>
    public static bool IsValid(int colorType, int bitDepth) => colorType switch
    {
        Grey => bitDepth is 1 or 2 or 4 or 8 or 16,
        Palette => bitDepth is 1 or 2 or 4 or 8,
        Rgb or GreyAlpha or Rgba => bitDepth is 8 or 16,
        _ => false,
    };

    /// <summary>PIL's palette for a PLTE chunk's data: the grey ramp with the first entries replaced (whole entries only).</summary>
    public static byte[] PaletteTable(ReadOnlySpan<byte> plte)
    {
        var table = new byte[MaxPaletteEntries * 3];
        for (int i = 0; i < MaxPaletteEntries; i++) table[3 * i] = table[3 * i + 1] = table[3 * i + 2] = (byte)i;
        plte[..(plte.Length / 3 * 3)].CopyTo(table);
        return table;
    }

    /// <summary>
    /// Converts <paramref name="count"/> pixels of <paramref name="row"/> to RGB, writing pixel i at
    /// <paramref name="rgb"/>[i · <paramref name="stride"/> · 3] (a stride above 1 places an Adam7 pass's pixels).
    /// </summary>
    public static void Row(ReadOnlySpan<byte> row, int count, int colorType, int bitDepth, byte[]? palette, Span<byte> rgb, int stride)
    {
        int step = 3 * stride;
        if (bitDepth < 8)
        {
            int mask = (1 << bitDepth) - 1, scale = 255 / mask;
            for (int i = 0, o = 0; i < count; i++, o += step)
            {
                int bit = i * bitDepth;
                int sample = (row[bit >> 3] >> (8 - bitDepth - (bit & 7))) & mask;
                Put(rgb, o, colorType == Palette ? palette! : null, sample, sample * scale);
            }
            return;
        }
        int bytes = bitDepth / 8, pixelBytes = Channels(colorType) * bytes;
        for (int i = 0, p = 0, o = 0; i < count; i++, p += pixelBytes, o += step)
        {
            switch (colorType)
            {
                case Grey when bytes == 2:
                    int wide = (row[p] << 8) | row[p + 1];
                    Put(rgb, o, null, 0, Math.Min(wide, 255));
                    break;
                case Grey or GreyAlpha:
                    Put(rgb, o, null, 0, row[p]);
                    break;
                case Palette:
                    Put(rgb, o, palette, row[p], 0);
                    break;
                default: // RGB, RGBA: the high byte of each 16-bit sample comes first
                    rgb[o] = row[p];
                    rgb[o + 1] = row[p + bytes];
                    rgb[o + 2] = row[p + 2 * bytes];
                    break;
            }
        }
    }

    /// <summary>Writes a palette entry (when <paramref name="palette"/> is given) or a grey level.</summary>
    private static void Put(Span<byte> rgb, int at, byte[]? palette, int index, int grey)
    {
        if (palette != null)
        {
            palette.AsSpan(3 * index, 3).CopyTo(rgb[at..]);
            return;
        }
        rgb[at] = rgb[at + 1] = rgb[at + 2] = (byte)grey;
    }
}
