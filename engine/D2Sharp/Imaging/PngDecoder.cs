using System.IO.Compression;

namespace D2Sharp.Imaging;

/// <summary>
/// Decodes a PNG whose structure <see cref="PngStructure"/> has checked to H×W×3 RGB as PIL's
/// <c>Image.open(…).convert("RGB")</c> does (the per-mode rules are <see cref="PillowConvert"/>'s).
/// Ours rather than stb_image's because stb_image keeps the high byte of 16-bit grey, where PIL clips,
/// and blackens palette indices past PLTE, where PIL uses its grey ramp.
/// </summary>
/// <remarks>
/// The compressed data is inflated row by row, as far as the image needs and no further, so a
/// small file that inflates to gigabytes costs no more than the image it declares. PIL's handling
/// is followed where the data is odd: data past the last row is ignored, and so is a deflate stream
/// cut after the last row; a filter type above 4 and corrupt deflate data are refused; an
/// interlace method other than 0 means Adam7. Stricter than PIL: data that ends before the last row
/// is refused (PIL leaves the missing rows black).
/// </remarks>
internal static class PngDecoder
{
    /// <summary>Adam7's passes: first column, first row, column step, row step.</summary>
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X, int Y, int Dx, int Dy)[] Progressive = [(0, 0, 1, 1)];

    /// <summary>Decodes the image data of <paramref name="layout"/> to RGB.</summary>
    /// <exception cref="ImageFormatException">An unsupported header, or image data that is corrupt or too short; the message names <paramref name="path"/>.</exception>
    public static byte[] DecodeRgb(byte[] file, PngStructure.Layout layout, string path)
    {
        var header = layout.Header;
        if (!PillowConvert.IsValid(header.ColorType, header.BitDepth))
            throw new ImageFormatException($"{path}: cannot decode image: PNG colour type {header.ColorType} with bit depth {header.BitDepth} is not a valid combination");
        if (header.FilterMethod != 0)
            throw new ImageFormatException($"{path}: cannot decode image: unknown PNG filter method {header.FilterMethod}");
        byte[]? palette = null;
        if (header.ColorType == PillowConvert.Palette)
        {
            var plte = layout.Palette is { } range ? file.AsSpan(range) : [];
            if (plte.Length > PillowConvert.MaxPaletteEntries * 3)
                throw new ImageFormatException($"{path}: cannot decode image: invalid palette size ({plte.Length} bytes)");
            palette = PillowConvert.PaletteTable(plte);
        }

        // Only a pixel limit raised far above the default lets a row of 16-bit RGBA outgrow one array.
        long widestRow = RowBytes(header.Width, PillowConvert.Channels(header.ColorType) * header.BitDepth);
        if (widestRow >= Array.MaxLength)
            throw new ImageFormatException($"{path}: cannot decode image: a row of {header.Width} pixels takes {widestRow} bytes, more than one array holds");

        var rgb = new byte[(long)header.Width * header.Height * 3];
        using var inflater = new ZLibStream(ImageData(file, layout.ImageData), CompressionMode.Decompress);
        try
        {
            foreach (var pass in header.InterlaceMethod == 0 ? Progressive : Adam7)
                DecodePass(inflater, header, pass, palette, rgb, path);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageFormatException($"{path}: image file is truncated (the image data ends before the last row)", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The stream is in memory: zlib's errors are the data's. It reports some corrupt streams
            // (a preset dictionary, say) through an internal IOException subclass rather than as bad data.
            throw new ImageFormatException($"{path}: cannot decode image: broken data stream ({e.Message})", e);
        }
        return rgb;
    }

    /// <summary>The IDAT chunks' data, joined: zlib's stream runs across them.</summary>
    private static MemoryStream ImageData(byte[] file, IReadOnlyList<Range> chunks)
    {
        var joined = new MemoryStream(chunks.Sum(c => c.GetOffsetAndLength(file.Length).Length));
        foreach (var chunk in chunks) joined.Write(file.AsSpan(chunk));
        joined.Position = 0;
        return joined;
    }

    private static void DecodePass(Stream inflater, PngStructure.Header header, (int X, int Y, int Dx, int Dy) pass, byte[]? palette, byte[] rgb, string path)
    {
        int width = (header.Width - pass.X + pass.Dx - 1) / pass.Dx, height = (header.Height - pass.Y + pass.Dy - 1) / pass.Dy;
        // An empty pass has no rows, not even filter bytes.
        if (width <= 0 || height <= 0) return;
        int bitsPerPixel = PillowConvert.Channels(header.ColorType) * header.BitDepth;
        int rowBytes = (int)RowBytes(width, bitsPerPixel);
        // Filters look back one whole pixel, or one byte when pixels are smaller.
        int back = Math.Max(1, bitsPerPixel / 8);
        var row = new byte[rowBytes + 1];
        var previous = new byte[rowBytes + 1];
        for (int y = 0; y < height; y++)
        {
            inflater.ReadExactly(row);
            Unfilter(row, previous, back, path);
            long at = (((long)(pass.Y + y * pass.Dy)) * header.Width + pass.X) * 3;
            PillowConvert.Row(row.AsSpan(1), width, header.ColorType, header.BitDepth, palette, rgb.AsSpan((int)at), pass.Dx);
            (row, previous) = (previous, row);
        }
    }

    private static long RowBytes(int width, int bitsPerPixel) => ((long)width * bitsPerPixel + 7) / 8;

    /// <summary>Undoes the row's filter in place (PNG spec §9); byte 0 is the filter type, the previous row is already unfiltered.</summary>
    private static void Unfilter(byte[] row, byte[] previous, int back, string path)
    {
        var r = row.AsSpan(1);
        var up = previous.AsSpan(1);
        switch (row[0])
        {
            case 0:
                return;
            case 1:
                for (int i = back; i < r.Length; i++) r[i] += r[i - back];
                return;
            case 2:
                for (int i = 0; i < r.Length; i++) r[i] += up[i];
                return;
            case 3:
                for (int i = 0; i < r.Length; i++) r[i] += (byte)(((i >= back ? r[i - back] : 0) + up[i]) >> 1);
                return;
            case 4:
                for (int i = 0; i < r.Length; i++)
                    r[i] += i >= back ? Paeth(r[i - back], up[i], up[i - back]) : up[i];
                return;
            default:
                throw new ImageFormatException($"{path}: cannot decode image: unrecognized data stream contents (PNG filter type {row[0]})");
        }
    }

    private static byte Paeth(int left, int up, int upLeft)
    {
        int p = left + up - upLeft, pa = Math.Abs(p - left), pb = Math.Abs(p - up), pc = Math.Abs(p - upLeft);
        return (byte)(pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
    }
}
