using D2Sharp.Imaging;
using D2Sharp.Runtime;
using SkiaSharp;

namespace D2Sharp.Cli;

/// <summary>
/// Draws instances on their image as Detectron2's <c>Visualizer.draw_instance_predictions</c> does:
/// each instance in its own colour, masks blended at half opacity, boxes outlined, a
/// "class score%" label at the box's top-left corner, and keypoints above Detectron2's 0.05 score
/// threshold as dots joined by COCO's person skeleton. Line width and font size scale with the
/// image as Detectron2's (√(H·W) / 90, at least 10 px). Colours come from a fixed palette (Detectron2
/// draws random ones), so that pictures are reproducible. The labels' font is a file: the one
/// <c>D2SHARP_FONT</c> names, else a common system sans-serif (<see cref="FontFiles"/>); without one
/// the labels are left out and <see cref="Draw"/> says so. A ProposalNetwork's proposals are drawn
/// as boxes without labels, the best <see cref="MaxProposalsDrawn"/>.
/// </summary>
internal static class Visualizer
{
    private const float KeypointThreshold = 0.05f;
    /// <summary>How many of a ProposalNetwork's proposals are drawn: Detectron2's <c>visualize_training</c> draws 20.</summary>
    private const int MaxProposalsDrawn = 20;

    /// <summary>Distinct, saturated colours (Detectron2's colormap's first entries, roughly).</summary>
    internal static readonly SKColor[] Palette =
    [
        new(0, 114, 189), new(217, 83, 25), new(237, 177, 32), new(126, 47, 142), new(119, 172, 48),
        new(77, 190, 238), new(162, 20, 47), new(77, 77, 77), new(255, 0, 0), new(255, 128, 0),
        new(191, 191, 0), new(0, 255, 0), new(0, 0, 255), new(170, 0, 255), new(85, 85, 0), new(0, 170, 127),
    ];

    /// <summary>COCO's 17 person keypoints joined as Detectron2's KEYPOINT_CONNECTION_RULES join them.</summary>
    private static readonly (int A, int B)[] Skeleton =
    [
        (1, 3), (1, 0), (2, 4), (2, 0), (0, 5), (0, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 6),
        (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    ];

    /// <summary>Where the labels' font is looked for after <c>D2SHARP_FONT</c>: DejaVu and Liberation on Linux, then macOS's and Windows' own.</summary>
    private static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf", @"C:\Windows\Fonts\arial.ttf",
    ];

    /// <summary>
    /// Draws the instances scoring at least <paramref name="minScore"/>; returns how many, and
    /// whether their labels could be written (a font was found).
    /// </summary>
    public static (int Drawn, bool Labelled) Draw(Image image, Instances instances, DatasetMetadata metadata, float minScore, string path)
    {
        try
        {
            return DrawWithSkia(image, instances, metadata, minScore, path);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw new D2SharpException($"--visualize could not load Skia's native library (libSkiaSharp, shipped beside d2sharp): {(e.InnerException ?? e).Message}");
        }
    }

    private static (int Drawn, bool Labelled) DrawWithSkia(Image image, Instances instances, DatasetMetadata metadata, float minScore, string path)
    {
        if (image.Height != instances.ImageHeight || image.Width != instances.ImageWidth)
            throw new ArgumentException($"the instances are for a {instances.ImageHeight}x{instances.ImageWidth} image, not {image.Height}x{image.Width}");
        using var bitmap = ToBitmap(image);
        // Proposals' scores are logits, not probabilities: draw the best few, unlabelled, as Detectron2's training visualisation does.
        var drawn = instances.AreProposals
            ? Enumerable.Range(0, Math.Min(instances.Count, MaxProposalsDrawn)).ToList()
            : Enumerable.Range(0, instances.Count).Where(k => instances.Scores[k] >= minScore).ToList();
        foreach (int k in drawn)
            if (instances.Masks is { } masks) BlendMask(bitmap, masks[k], Palette[k % Palette.Length]);
        using var typeface = LabelTypeface();
        using (var canvas = new SKCanvas(bitmap))
        {
            float fontSize = Math.Max(MathF.Floor(MathF.Sqrt(image.Height * image.Width) / 90), 10);
            float line = Math.Max(fontSize / 4, 1);
            using var font = typeface == null ? null : new SKFont(typeface, fontSize);
            foreach (int k in drawn)
            {
                var color = Palette[k % Palette.Length];
                var b = instances.Boxes.AsSpan(4 * k, 4);
                using var outline = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = line, IsAntialias = true };
                canvas.DrawRect(SKRect.Create(b[0], b[1], b[2] - b[0], b[3] - b[1]), outline);
                if (instances.Keypoints is { } keypoints) DrawKeypoints(canvas, keypoints.AsSpan(3 * instances.KeypointsPerInstance * k, 3 * instances.KeypointsPerInstance), color, line);
                int cls = instances.Classes[k];
                string label = $"{(cls < metadata.ClassNames.Count ? metadata.ClassNames[cls] : cls.ToString())} {instances.Scores[k] * 100:F0}%";
                if (font != null && !instances.AreProposals) DrawLabel(canvas, font, label, b[0], b[1], color);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
        return (drawn.Count, typeface != null);
    }

    internal static SKTypeface? LabelTypeface()
    {
        var candidates = Environment.GetEnvironmentVariable("D2SHARP_FONT") is { Length: > 0 } chosen ? [chosen, .. FontFiles] : FontFiles;
        foreach (var file in candidates.Where(File.Exists))
            if (SKTypeface.FromFile(file) is { GlyphCount: > 0 } typeface) return typeface;
        return null;
    }

    internal static SKBitmap ToBitmap(Image image)
    {
        var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bool bgr = image.Format == "BGR";
        unsafe
        {
            var target = new Span<byte>((void*)bitmap.GetPixels(), bitmap.ByteCount);
            for (int i = 0; i < image.Height * image.Width; i++)
            {
                target[4 * i] = image.Pixels[3 * i + (bgr ? 2 : 0)];
                target[4 * i + 1] = image.Pixels[3 * i + 1];
                target[4 * i + 2] = image.Pixels[3 * i + (bgr ? 0 : 2)];
                target[4 * i + 3] = 255;
            }
        }
        return bitmap;
    }

    /// <summary>Half the mask's colour over the pixels it covers, as Detectron2's draw_binary_mask (alpha 0.5).</summary>
    private static unsafe void BlendMask(SKBitmap bitmap, BitMask mask, SKColor color)
    {
        var target = new Span<byte>((void*)bitmap.GetPixels(), bitmap.ByteCount);
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
            {
                if (!mask[y, x]) continue;
                int at = 4 * (y * bitmap.Width + x);
                target[at] = (byte)((target[at] + color.Red) / 2);
                target[at + 1] = (byte)((target[at + 1] + color.Green) / 2);
                target[at + 2] = (byte)((target[at + 2] + color.Blue) / 2);
            }
    }

    private static void DrawKeypoints(SKCanvas canvas, ReadOnlySpan<float> keypoints, SKColor color, float line)
    {
        using var stroke = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = line, IsAntialias = true };
        using var dot = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
        int count = keypoints.Length / 3;
        if (count == 17)
            foreach (var (a, b) in Skeleton)
                if (keypoints[3 * a + 2] > KeypointThreshold && keypoints[3 * b + 2] > KeypointThreshold)
                    canvas.DrawLine(keypoints[3 * a], keypoints[3 * a + 1], keypoints[3 * b], keypoints[3 * b + 1], stroke);
        for (int j = 0; j < count; j++)
            if (keypoints[3 * j + 2] > KeypointThreshold)
                canvas.DrawCircle(keypoints[3 * j], keypoints[3 * j + 1], Math.Max(line, 2), dot);
    }

    /// <summary>White text on a darkened box of the instance's colour, kept inside the image.</summary>
    internal static void DrawLabel(SKCanvas canvas, SKFont font, string label, float x, float y, SKColor color)
    {
        float width = font.MeasureText(label);
        font.GetFontMetrics(out var metrics);
        float height = metrics.Descent - metrics.Ascent;
        float left = Math.Clamp(x, 0, Math.Max(0, canvas.DeviceClipBounds.Width - width - 4));
        float top = Math.Clamp(y - height - 2, 0, Math.Max(0, canvas.DeviceClipBounds.Height - height - 2));
        using var background = new SKPaint { Color = new SKColor((byte)(color.Red * 0.6), (byte)(color.Green * 0.6), (byte)(color.Blue * 0.6), 210) };
        canvas.DrawRect(SKRect.Create(left, top, width + 4, height + 2), background);
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawText(label, left + 2, top + 1 - metrics.Ascent, SKTextAlign.Left, font, text);
    }
}
