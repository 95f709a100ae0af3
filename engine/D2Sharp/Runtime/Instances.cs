namespace D2Sharp.Runtime;

/// <summary>
/// One image's detections as Detectron2's <c>DefaultPredictor</c> returns them (<c>instances</c>):
/// boxes XYXY in original-image pixels, scores and class indices (0-based, the model's
/// <c>NUM_CLASSES</c>), best first.
/// </summary>
public sealed class Instances
{
    internal Instances(int imageHeight, int imageWidth, float[] boxes, float[] scores, int[] classes)
    {
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Boxes = boxes;
        Scores = scores;
        Classes = classes;
    }

    /// <summary>The original image's size, which the boxes are in.</summary>
    public int ImageHeight { get; }
    public int ImageWidth { get; }
    public int Count => Scores.Length;
    /// <summary>[Count, 4] row-major: x1, y1, x2, y2 of each instance.</summary>
    public float[] Boxes { get; }
    public float[] Scores { get; }
    public int[] Classes { get; }

    /// <summary>
    /// Detectron2's <c>detector_postprocess</c> on one image's detections (resized-image pixels):
    /// x scaled by original width / resized width and y likewise (in float32, as the boxes are),
    /// clipped to the original image, instances whose box is then empty dropped.
    /// </summary>
    public static Instances Postprocess(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> classes,
        (int Height, int Width) resized, (int Height, int Width) original)
    {
        float scaleX = (float)((double)original.Width / resized.Width), scaleY = (float)((double)original.Height / resized.Height);
        var keptBoxes = new List<float>();
        var keptScores = new List<float>();
        var keptClasses = new List<int>();
        for (int i = 0; i < scores.Length; i++)
        {
            float x1 = Math.Clamp(boxes[4 * i] * scaleX, 0f, original.Width), y1 = Math.Clamp(boxes[4 * i + 1] * scaleY, 0f, original.Height);
            float x2 = Math.Clamp(boxes[4 * i + 2] * scaleX, 0f, original.Width), y2 = Math.Clamp(boxes[4 * i + 3] * scaleY, 0f, original.Height);
            if (!(x2 - x1 > 0 && y2 - y1 > 0)) continue;
            keptBoxes.AddRange([x1, y1, x2, y2]);
            keptScores.Add(scores[i]);
            keptClasses.Add((int)classes[i]);
        }
        return new Instances(original.Height, original.Width, keptBoxes.ToArray(), keptScores.ToArray(), keptClasses.ToArray());
    }
}
