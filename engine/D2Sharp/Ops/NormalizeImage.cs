namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>preprocess_image</c> as the graph's first op, so a device receives bytes, not
/// floats: y[n, c, y, x] = (pixels[n, y, x, c] − Mean[c]) / Std[c] inside image n's own size and 0
/// in the padding (<c>ImageList.from_tensors</c> pads after normalising). Float32 arithmetic: the
/// uint8 pixel, the float32-rounded mean and std, one subtraction and one true division, so the
/// result equals PyTorch's bit for bit.
/// Inputs: pixels uint8 [N, H, W, C] (interleaved, in INPUT.FORMAT order; image n in the top-left
/// corner of a buffer the caller padded to the backbone's size divisibility) and image_sizes
/// int32 [N, 2] (height, width of each image). Output: a float32 feature map [N, C, H, W].
/// </summary>
public sealed class NormalizeImage : Op
{
    /// <summary>MODEL.PIXEL_MEAN in the images' channel order.</summary>
    public float[] Mean { get; init; } = [];
    /// <summary>MODEL.PIXEL_STD in the images' channel order.</summary>
    public float[] Std { get; init; } = [];
    /// <inheritdoc/>
    public override string Kind => "NormalizeImage";
    /// <summary>Two inputs: the uint8 pixels and the int32 image sizes.</summary>
    public override int Arity => 2;
    /// <summary>UInt8 for input 0 (the pixels), int32 for input 1 (image_sizes).</summary>
    public override DataType InputType(int index) => index == 0 ? DataType.UInt8 : DataType.Int32;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var pixels = inputs[0];
        var sizes = inputs[1];
        ExpectRank(pixels, 4, "NormalizeImage pixels");
        ExpectRank(sizes, 2, "NormalizeImage image_sizes");
        if (Mean.Length == 0 || Mean.Length != Std.Length)
            throw new ShapeException($"NormalizeImage needs one mean and one std per channel, got {Mean.Length} and {Std.Length}");
        if (pixels[3] != Mean.Length)
            throw new ShapeException($"NormalizeImage pixels {Tensor.ShapeString(pixels)} must be N×H×W×{Mean.Length}");
        if (sizes[0] != pixels[0] || sizes[1] != 2)
            throw new ShapeException($"NormalizeImage image_sizes {Tensor.ShapeString(sizes)} must be [{pixels[0]}, 2]");
        return [[pixels[0], pixels[3], pixels[1], pixels[2]]];
    }

    /// <summary>Every image size must lie inside the pixel buffer [N, H, W, C]: a run-time check of the second input.</summary>
    public static void CheckImageSizes(ReadOnlySpan<int> sizes, int[] pixels)
    {
        for (int n = 0; n < pixels[0]; n++)
        {
            int h = sizes[2 * n], w = sizes[2 * n + 1];
            if (h < 1 || h > pixels[1] || w < 1 || w > pixels[2])
                throw new ArgumentException($"image_sizes[{n}] = ({h}, {w}) is not a size inside the {pixels[1]}x{pixels[2]} pixel buffer");
        }
    }

    /// <inheritdoc/>
    public override string Describe() => $"mean=[{string.Join(", ", Mean)}] std=[{string.Join(", ", Std)}]";
}
