using D2Sharp.Imaging;
using SkiaSharp;

namespace D2Sharp.Cli.Pictures;

/// <summary>
/// The backbone's feature pyramid as a grid of heat maps, one panel per level after the input
/// image: each pixel's activation strength, the L2 norm over the channels, coloured with viridis
/// between the level's own 1st and 99th percentile (levels differ in scale by orders of
/// magnitude, so one shared scale would show one level and black). Coarse levels are enlarged
/// with nearest-neighbour sampling so that their cells stay visible. Each panel is titled with
/// the level's name, channels, stride and size.
/// </summary>
internal static class PyramidPicture
{
    private const int PanelWidth = 360, Columns = 3, Margin = 12, TitleHeight = 26;

    /// <summary>A feature map [1, C, H, W] by name and stride, and the part of it the image covers (the rest is padding).</summary>
    public sealed record Level(string Name, int Stride, Tensor Map, int VisibleHeight, int VisibleWidth);

    public static void Write(Image image, IReadOnlyList<Level> levels, string path)
    {
        int panelHeight = Math.Max(1, (int)Math.Round((double)PanelWidth * image.Height / image.Width));
        int panels = levels.Count + 1, rows = (panels + Columns - 1) / Columns;
        int width = Columns * PanelWidth + (Columns + 1) * Margin, height = rows * (panelHeight + TitleHeight) + (rows + 1) * Margin;
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var typeface = Visualizer.LabelTypeface();
        using var font = typeface == null ? null : new SKFont(typeface, 15);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var original = Visualizer.ToBitmap(image);
            DrawPanel(canvas, font, 0, panelHeight, original, $"input {image.Height}×{image.Width}", SKFilterMode.Linear);
            for (int i = 0; i < levels.Count; i++)
            {
                var level = levels[i];
                using var heat = HeatMap(level.Map, level.VisibleHeight, level.VisibleWidth);
                DrawPanel(canvas, font, i + 1, panelHeight, heat,
                    $"{level.Name}  {level.Map.Shape[1]} ch  1/{level.Stride}  {level.VisibleHeight}×{level.VisibleWidth}", SKFilterMode.Nearest);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static void DrawPanel(SKCanvas canvas, SKFont? font, int index, int panelHeight, SKBitmap content, string title, SKFilterMode sampling)
    {
        int column = index % Columns, row = index / Columns;
        float left = Margin + column * (PanelWidth + Margin), top = Margin + row * (panelHeight + TitleHeight + Margin);
        if (font != null)
        {
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(title, left, top + TitleHeight - 8, SKTextAlign.Left, font, text);
        }
        using var image = SKImage.FromBitmap(content);
        canvas.DrawImage(image, SKRect.Create(left, top + TitleHeight, PanelWidth, panelHeight), new SKSamplingOptions(sampling));
    }

    /// <summary>The L2 norm over channels of the top-left h×w of a [1, C, H, W] map, coloured between its 1st and 99th percentile.</summary>
    internal static SKBitmap HeatMap(Tensor map, int h, int w)
    {
        int channels = map.Shape[1], mapH = map.Shape[2], mapW = map.Shape[3];
        var strength = new float[h * w];
        var data = map.Data;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float v = data[(c * mapH + y) * mapW + x];
                    strength[y * w + x] += v * v;
                }
        for (int i = 0; i < strength.Length; i++) strength[i] = MathF.Sqrt(strength[i]);
        var sorted = strength.Where(float.IsFinite).Order().ToArray();
        float low = sorted.Length > 0 ? sorted[(int)(0.01 * (sorted.Length - 1))] : 0;
        float high = sorted.Length > 0 ? sorted[(int)(0.99 * (sorted.Length - 1))] : 1;
        float range = high > low ? high - low : 1;
        var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bitmap.SetPixel(x, y, Viridis((strength[y * w + x] - low) / range));
        return bitmap;
    }

    /// <summary>
    /// matplotlib's viridis at nine evenly spaced points, interpolated linearly: dark blue (weak)
    /// to yellow (strong), readable in grey and by colour-blind readers.
    /// </summary>
    private static readonly SKColor[] ViridisStops =
    [
        new(68, 1, 84), new(71, 44, 122), new(59, 81, 139), new(44, 113, 142), new(33, 144, 141),
        new(39, 173, 129), new(92, 200, 99), new(170, 220, 50), new(253, 231, 37),
    ];

    internal static SKColor Viridis(float t)
    {
        t = float.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        float at = t * (ViridisStops.Length - 1);
        int i = Math.Min((int)at, ViridisStops.Length - 2);
        float f = at - i;
        var (a, b) = (ViridisStops[i], ViridisStops[i + 1]);
        return new SKColor((byte)(a.Red + f * (b.Red - a.Red)), (byte)(a.Green + f * (b.Green - a.Green)), (byte)(a.Blue + f * (b.Blue - a.Blue)));
    }
}
