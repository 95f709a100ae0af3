namespace D2Sharp.Imaging;

/// <summary>
/// Detectron2's test-time resize (<c>ResizeShortestEdge([MIN_SIZE_TEST]*2, MAX_SIZE_TEST)</c> in
/// <c>DefaultPredictor</c>): scale so the short side becomes <c>shortEdge</c> unless the long side
/// would pass <c>maxSize</c>, then resample uint8 pixels with PIL's bilinear filter, as
/// <c>ResizeTransform.apply_image</c> does.
/// </summary>
public static class ResizeShortestEdge
{
    /// <summary>The config key the short edge comes from in Detectron2, named in errors.</summary>
    private const string ShortEdgeKey = "INPUT.MIN_SIZE_TEST";

    /// <summary>The config key the max size comes from in Detectron2, named in errors.</summary>
    private const string MaxSizeKey = "INPUT.MAX_SIZE_TEST";

    /// <summary>
    /// <c>ResizeShortestEdge.get_output_shape</c>: the same double arithmetic in the same order, and
    /// Python's <c>int(x + 0.5)</c> rounding (e.g. 480×640 at 800 → 800×1067). One deliberate
    /// difference: a side that rounds to 0 (an image more than about 2·<paramref name="maxSize"/>
    /// times longer than wide, e.g. 1×100000 at 800/1333) becomes 1, where Detectron2 asks PIL for a
    /// 0-pixel image and fails.
    /// </summary>
    /// <exception cref="ImageFormatException"><paramref name="height"/> or <paramref name="width"/> is not positive.</exception>
    /// <exception cref="Config.ConfigException"><paramref name="shortEdge"/> or <paramref name="maxSize"/> is not positive (the message names the config key).</exception>
    public static (int Height, int Width) GetOutputShape(int height, int width, int shortEdge, int maxSize)
    {
        if (height <= 0 || width <= 0)
            throw new ImageFormatException($"cannot resize an image of size {height}x{width}: both sides must be positive");
        if (shortEdge <= 0)
            throw new Config.ConfigException($"{ShortEdgeKey} is {shortEdge}; the resize's short edge must be positive (0 turns resizing off)", key: ShortEdgeKey);
        CheckMaxSize(maxSize);

        double size = shortEdge * 1.0;
        double scale = size / Math.Min(height, width);
        double newHeight, newWidth;
        if (height < width)
            (newHeight, newWidth) = (size, scale * width);
        else
            (newHeight, newWidth) = (scale * height, size);
        double longSide = Math.Max(newHeight, newWidth);
        if (longSide > maxSize)
        {
            scale = maxSize * 1.0 / longSide;
            newHeight *= scale;
            newWidth *= scale;
        }
        return (RoundSide(newHeight), RoundSide(newWidth));
    }

    /// <summary>Python's <c>int(x + 0.5)</c>, kept at least 1 (see <see cref="GetOutputShape"/>); .NET saturates a double beyond <see cref="int.MaxValue"/>.</summary>
    private static int RoundSide(double side) => Math.Max(1, (int)(side + 0.5));

    /// <summary>
    /// Detectron2 has no meaning for a max size of 0 or less: every image would be scaled to 0×0 and
    /// PIL would refuse it. Its "no limit" is a huge value (<c>sys.maxsize</c>), i.e. <see cref="int.MaxValue"/> here.
    /// </summary>
    private static void CheckMaxSize(int maxSize)
    {
        if (maxSize <= 0)
            throw new Config.ConfigException(
                $"{MaxSizeKey} is {maxSize}; the resize's max size must be positive (Detectron2 would scale every image to 0x0; for no limit use a large value such as {int.MaxValue})",
                key: MaxSizeKey);
    }

    /// <summary>
    /// Resizes like Detectron2's augmentation: <paramref name="shortEdge"/> 0 is its
    /// <c>NoOpTransform</c> and returns <paramref name="image"/> itself, as does a resize to the
    /// image's own size; otherwise a new image of <see cref="GetOutputShape"/>'s size, resampled
    /// exactly as PIL's <c>Image.resize(..., BILINEAR)</c>.
    /// </summary>
    /// <exception cref="Config.ConfigException"><paramref name="shortEdge"/> is negative or <paramref name="maxSize"/> not positive (the message names the config key).</exception>
    /// <exception cref="ImageFormatException">The resized image would not fit in one .NET array.</exception>
    public static Image Apply(Image image, int shortEdge, int maxSize)
    {
        if (shortEdge == 0) return image;
        var (height, width) = GetOutputShape(image.Height, image.Width, shortEdge, maxSize);
        // PIL's resize to the image's own size is a copy: the same pixels.
        if (height == image.Height && width == image.Width) return image;
        byte[] pixels = PillowBilinear.Resize(image.Pixels, image.Height, image.Width, height, width);
        return new Image(pixels, height, width, image.Format);
    }
}
