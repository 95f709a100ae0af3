namespace D2Sharp.Imaging;

/// <summary>
/// Detectron2's <c>GeneralizedRCNN.preprocess_image</c>: <c>(image − PIXEL_MEAN) / PIXEL_STD</c>
/// per channel, then <c>ImageList.from_tensors</c>, which zero-pads each image at the bottom and
/// right to the largest height and width in the batch, rounded up to the size divisibility.
/// </summary>
public static class Preprocessor
{
    private const int Channels = 3;

    /// <summary>
    /// Normalises and batches <paramref name="images"/> into an N×3×H×W tensor.
    /// </summary>
    /// <param name="images">At least one image, all in the same channel format.</param>
    /// <param name="pixelMean">Three values in the images' channel order (<c>MODEL.PIXEL_MEAN</c>).</param>
    /// <param name="pixelStd">Three values in the images' channel order (<c>MODEL.PIXEL_STD</c>).</param>
    /// <param name="sizeDivisibility">Round the padded size up to a multiple of this; 0 or 1 pads only to the batch maximum.</param>
    /// <remarks>
    /// Arithmetic is float32 as in PyTorch: the uint8 pixel, the float32-rounded mean and std, one
    /// subtraction and one true division, so results match Detectron2 bit for bit.
    /// </remarks>
    /// <exception cref="ArgumentException">Empty batch, mixed formats, or mean/std without three entries.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeDivisibility"/> is negative.</exception>
    public static ImageBatch Normalize(IReadOnlyList<Image> images, IReadOnlyList<double> pixelMean, IReadOnlyList<double> pixelStd, int sizeDivisibility)
    {
        if (images.Count == 0) throw new ArgumentException("the batch has no images", nameof(images));
        if (pixelMean.Count != Channels) throw new ArgumentException($"PIXEL_MEAN needs {Channels} values, got {pixelMean.Count}", nameof(pixelMean));
        if (pixelStd.Count != Channels) throw new ArgumentException($"PIXEL_STD needs {Channels} values, got {pixelStd.Count}", nameof(pixelStd));
        ArgumentOutOfRangeException.ThrowIfNegative(sizeDivisibility);
        string format = images[0].Format;
        if (images.Any(im => im.Format != format))
            throw new ArgumentException($"all images in a batch must share one channel format; got {string.Join(", ", images.Select(im => im.Format).Distinct())}", nameof(images));

        int height = images.Max(im => im.Height);
        int width = images.Max(im => im.Width);
        if (sizeDivisibility > 1)
        {
            height = RoundUp(height, sizeDivisibility);
            width = RoundUp(width, sizeDivisibility);
        }

        var mean = pixelMean.Select(v => (float)v).ToArray();
        var std = pixelStd.Select(v => (float)v).ToArray();
        var tensor = new Tensor([images.Count, Channels, height, width]);
        for (int n = 0; n < images.Count; n++)
            WriteNormalized(images[n], mean, std, tensor.Data.AsSpan(n * Channels * height * width, Channels * height * width), height, width);
        return new ImageBatch(tensor, images.Select(im => (im.Height, im.Width)).ToArray());
    }

    private static int RoundUp(int size, int multiple) => (size + multiple - 1) / multiple * multiple;

    /// <summary>HWC bytes → normalised CHW floats in the top-left corner of a zeroed padded plane set.</summary>
    private static void WriteNormalized(Image image, float[] mean, float[] std, Span<float> chw, int height, int width)
    {
        byte[] hwc = image.Pixels;
        for (int c = 0; c < Channels; c++)
        {
            float m = mean[c], s = std[c];
            for (int y = 0; y < image.Height; y++)
            {
                var row = chw.Slice((c * height + y) * width, image.Width);
                int src = y * image.Width * Channels + c;
                for (int x = 0; x < row.Length; x++, src += Channels)
                    row[x] = (hwc[src] - m) / s;
            }
        }
    }
}
