using D2Sharp.Imaging;
using SkiaSharp;

namespace D2Sharp.Cli.Pictures;

/// <summary>
/// The anchor generator's output on the image: for each level one cell, spread along the image's
/// middle row so that the levels do not hide each other, with every anchor of that cell outlined
/// in the level's colour and the cell's centre marked; the other cells' centres of the level are
/// dots along the same row, so that the stride shows. A legend names each level with its stride,
/// anchor count and sizes. Anchors are in the resized image's pixels; they are drawn scaled to
/// the original image, which is enlarged when small so that the outlines stay legible.
/// </summary>
internal static class AnchorPicture
{
    private const int MinLongSide = 720;

    /// <summary>A level's anchors [H·W·A, 4] (XYXY, Detectron2's order: index (y·W + x)·A + a) over its H×W cells.</summary>
    public sealed record Level(string Name, int Stride, Tensor Anchors, int Height, int Width);

    public static void Write(Image image, (int Height, int Width) resized, IReadOnlyList<Level> levels, string path)
    {
        float zoom = Math.Max(1f, (float)MinLongSide / Math.Max(image.Height, image.Width));
        float scaleX = zoom * image.Width / resized.Width, scaleY = zoom * image.Height / resized.Height;
        int width = (int)Math.Round(image.Width * zoom), height = (int)Math.Round(image.Height * zoom);
        using var typeface = Visualizer.LabelTypeface();
        using var font = typeface == null ? null : new SKFont(typeface, 15);
        var legend = levels.Select((level, l) =>
        {
            var (_, perCell, first) = SampleCell(level, l, levels.Count);
            return Describe(level, perCell, first);
        }).ToList();
        // The legend's lines set the width when they are longer than the image is wide.
        int legendWidth = font == null ? 0 : (int)Math.Ceiling(legend.Max(line => font.MeasureText(line))) + 42;
        using var bitmap = new SKBitmap(Math.Max(width, legendWidth), height + 22 * levels.Count + 10, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using (var original = Visualizer.ToBitmap(image))
            using (var picture = SKImage.FromBitmap(original))
                canvas.DrawImage(picture, SKRect.Create(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
            for (int l = 0; l < levels.Count && font != null; l++)
                DrawLegend(canvas, font, Visualizer.Palette[l % Visualizer.Palette.Length], 10, height + 8 + 22 * l, legend[l]);
            // Large anchors reach past the image: they are cut at its edge, the legend stays clear.
            canvas.ClipRect(SKRect.Create(0, 0, width, height));
            for (int l = 0; l < levels.Count; l++)
            {
                var level = levels[l];
                var color = Visualizer.Palette[l % Visualizer.Palette.Length];
                var (row, perCell, first) = SampleCell(level, l, levels.Count);
                using var dot = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
                for (int x = 0; x < level.Width; x++)
                {
                    var (cx, cy) = Centre(level.Anchors.Data, ((row * level.Width) + x) * perCell);
                    canvas.DrawCircle(cx * scaleX, cy * scaleY + 3 * (l - levels.Count / 2f), 1.5f, dot);
                }
                using var outline = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
                for (int a = 0; a < perCell; a++)
                {
                    var box = level.Anchors.Data.AsSpan(4 * (first + a), 4);
                    canvas.DrawRect(SKRect.Create(box[0] * scaleX, box[1] * scaleY, (box[2] - box[0]) * scaleX, (box[3] - box[1]) * scaleY), outline);
                }
                var (centreX, centreY) = Centre(level.Anchors.Data, first);
                canvas.DrawCircle(centreX * scaleX, centreY * scaleY, 4, dot);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>
    /// The cell drawn for level <paramref name="index"/> of <paramref name="count"/>: on the middle
    /// row, at (index + 1) / (count + 1) of the width; its row, anchors per cell and first anchor.
    /// </summary>
    private static (int Row, int PerCell, int First) SampleCell(Level level, int index, int count)
    {
        int perCell = level.Anchors.Shape[0] / (level.Height * level.Width);
        int row = level.Height / 2, column = Math.Clamp((int)((index + 1.0) / (count + 1) * level.Width), 0, level.Width - 1);
        return (row, perCell, (row * level.Width + column) * perCell);
    }

    private static (float X, float Y) Centre(float[] anchors, int index) =>
        ((anchors[4 * index] + anchors[4 * index + 2]) / 2, (anchors[4 * index + 1] + anchors[4 * index + 3]) / 2);

    /// <summary>
    /// "p3: stride 8, 24×20 cells, 3 anchors per cell: sizes 64, ratios (h/w) 0.5, 1, 2": the
    /// cell's anchors as Detectron2's SIZES (√area) and ASPECT_RATIOS read them back.
    /// </summary>
    private static string Describe(Level level, int perCell, int first)
    {
        var boxes = Enumerable.Range(first, perCell).Select(i => level.Anchors.Data.AsSpan(4 * i, 4).ToArray()).ToList();
        var sizes = boxes.Select(b => Math.Round(Math.Sqrt((double)(b[2] - b[0]) * (b[3] - b[1])))).Distinct().Order();
        var ratios = boxes.Select(b => Math.Round((double)(b[3] - b[1]) / (b[2] - b[0]), 2)).Distinct().Order();
        return FormattableString.Invariant(
            $"{level.Name}: stride {level.Stride}, {level.Height}×{level.Width} cells, {perCell} anchors per cell: sizes {string.Join(", ", sizes)}, ratios (h/w) {string.Join(", ", ratios)}");
    }

    private static void DrawLegend(SKCanvas canvas, SKFont font, SKColor color, float x, float y, string text)
    {
        using var swatch = new SKPaint { Color = color, Style = SKPaintStyle.Fill };
        canvas.DrawRect(SKRect.Create(x, y + 3, 14, 14), swatch);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, x + 22, y + 15, SKTextAlign.Left, font, ink);
    }
}
