namespace D2Sharp.Runtime;

/// <summary>
/// One image's detections as Detectron2's <c>DefaultPredictor</c> returns them (<c>instances</c>):
/// boxes XYXY in original-image pixels, scores and class indices (0-based, the model's
/// <c>NUM_CLASSES</c>), best first.
/// </summary>
public sealed class Instances
{
    internal Instances(int imageHeight, int imageWidth, float[] boxes, float[] scores, int[] classes, IReadOnlyList<BitMask>? masks)
    {
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Boxes = boxes;
        Scores = scores;
        Classes = classes;
        Masks = masks;
    }

    /// <summary>The original image's size, which the boxes are in.</summary>
    public int ImageHeight { get; }
    public int ImageWidth { get; }
    public int Count => Scores.Length;
    /// <summary>[Count, 4] row-major: x1, y1, x2, y2 of each instance.</summary>
    public float[] Boxes { get; }
    public float[] Scores { get; }
    public int[] Classes { get; }
    /// <summary>Each instance's mask over the original image, for models with a mask head; null otherwise.</summary>
    public IReadOnlyList<BitMask>? Masks { get; }

    /// <summary>
    /// Detectron2's <c>detector_postprocess</c> on one image's detections (resized-image pixels):
    /// x scaled by original width / resized width and y likewise (in float32, as the boxes are),
    /// clipped to the original image, instances whose box is then empty dropped, and with a mask
    /// head each kept instance's <paramref name="maskSize"/>² probabilities pasted into its box
    /// (<c>paste_masks_in_image</c>, threshold 0.5). <paramref name="maskSize"/> 0 means no masks.
    /// </summary>
    public static Instances Postprocess(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> classes,
        (int Height, int Width) resized, (int Height, int Width) original, ReadOnlySpan<float> maskProbs = default, int maskSize = 0)
    {
        float scaleX = (float)((double)original.Width / resized.Width), scaleY = (float)((double)original.Height / resized.Height);
        var keptBoxes = new List<float>();
        var keptScores = new List<float>();
        var keptClasses = new List<int>();
        var masks = maskSize > 0 ? new List<BitMask>() : null;
        for (int i = 0; i < scores.Length; i++)
        {
            float x1 = Math.Clamp(boxes[4 * i] * scaleX, 0f, original.Width), y1 = Math.Clamp(boxes[4 * i + 1] * scaleY, 0f, original.Height);
            float x2 = Math.Clamp(boxes[4 * i + 2] * scaleX, 0f, original.Width), y2 = Math.Clamp(boxes[4 * i + 3] * scaleY, 0f, original.Height);
            if (!(x2 - x1 > 0 && y2 - y1 > 0)) continue;
            keptBoxes.AddRange([x1, y1, x2, y2]);
            keptScores.Add(scores[i]);
            keptClasses.Add((int)classes[i]);
            masks?.Add(MaskPaste.Paste(maskProbs.Slice(i * maskSize * maskSize, maskSize * maskSize), maskSize, [x1, y1, x2, y2],
                original.Height, original.Width));
        }
        return new Instances(original.Height, original.Width, keptBoxes.ToArray(), keptScores.ToArray(), keptClasses.ToArray(), masks);
    }
}
