namespace D2Sharp.Imaging;

/// <summary>
/// Detectron2's test-time resize (<c>ResizeShortestEdge([MIN_SIZE_TEST]*2, MAX_SIZE_TEST)</c> in
/// <c>DefaultPredictor</c>): scale so the short side becomes <c>shortEdge</c> unless the long side
/// would pass <c>maxSize</c>, then resample uint8 pixels with PIL's bilinear filter, as
/// <c>ResizeTransform.apply_image</c> does.
/// </summary>
public static class ResizeShortestEdge
{
    /// <summary>
    /// <c>ResizeShortestEdge.get_output_shape</c>: the same double arithmetic in the same order, and
    /// Python's <c>int(x + 0.5)</c> rounding (e.g. 480×640 at 800 → 800×1067).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static (int Height, int Width) GetOutputShape(int height, int width, int shortEdge, int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shortEdge);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);

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
        return ((int)(newHeight + 0.5), (int)(newWidth + 0.5));
    }

    /// <summary>
    /// Resizes like Detectron2's augmentation: <paramref name="shortEdge"/> 0 is its
    /// <c>NoOpTransform</c> and returns <paramref name="image"/> itself, as does a resize to the
    /// image's own size; otherwise a new image of <see cref="GetOutputShape"/>'s size, resampled
    /// exactly as PIL's <c>Image.resize(..., BILINEAR)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shortEdge"/> is negative or <paramref name="maxSize"/> not positive.</exception>
    public static Image Apply(Image image, int shortEdge, int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shortEdge);
        if (shortEdge == 0) return image;
        var (height, width) = GetOutputShape(image.Height, image.Width, shortEdge, maxSize);
        // PIL's resize to the image's own size is a copy: the same pixels.
        if (height == image.Height && width == image.Width) return image;
        byte[] pixels = PillowBilinear.Resize(image.Pixels, image.Height, image.Width, height, width);
        return new Image(pixels, height, width, image.Format);
    }
}
