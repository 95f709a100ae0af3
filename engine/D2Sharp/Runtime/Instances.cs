namespace D2Sharp.Runtime;

/// <summary>
/// One image's detections as Detectron2's <c>DefaultPredictor</c> returns them (<c>instances</c>):
/// boxes XYXY in original-image pixels, scores and class indices (0-based, the model's
/// <c>NUM_CLASSES</c>), best first.
/// </summary>
public sealed class Instances
{
    internal Instances(int imageHeight, int imageWidth, float[] boxes, float[] scores, int[] classes, IReadOnlyList<BitMask>? masks,
        float[]? keypoints, int keypointsPerInstance, bool areProposals = false)
    {
        AreProposals = areProposals;
        Keypoints = keypoints;
        KeypointsPerInstance = keypointsPerInstance;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Boxes = boxes;
        Scores = scores;
        Classes = classes;
        Masks = masks;
    }

    /// <summary>The original image's size, which the boxes are in.</summary>
    public int ImageHeight { get; }
    /// <summary>The original image's width in pixels.</summary>
    public int ImageWidth { get; }
    /// <summary>Number of instances, the length of <see cref="Scores"/> and <see cref="Classes"/>.</summary>
    public int Count => Scores.Length;
    /// <summary>[Count, 4] row-major: x1, y1, x2, y2 of each instance.</summary>
    public float[] Boxes { get; }
    /// <summary>Per instance, best first: the class probability (softmax, or sigmoid for RetinaNet), or the objectness logit when <see cref="AreProposals"/>.</summary>
    public float[] Scores { get; }
    /// <summary>Per instance, the 0-based class index (<c>NUM_CLASSES</c> of the model; names in <see cref="DatasetMetadata.ClassNames"/>).</summary>
    public int[] Classes { get; }
    /// <summary>Each instance's mask over the original image, for models with a mask head; null otherwise.</summary>
    public IReadOnlyList<BitMask>? Masks { get; }
    /// <summary>
    /// For models with a keypoint head, [Count, <see cref="KeypointsPerInstance"/>, 3] row-major:
    /// x, y in original-image pixels and the score of each keypoint; null otherwise.
    /// </summary>
    public float[]? Keypoints { get; }
    /// <summary>K, keypoints per instance (<c>ROI_KEYPOINT_HEAD.NUM_KEYPOINTS</c>, 17 for COCO); 0 without a keypoint head.</summary>
    public int KeypointsPerInstance { get; }
    /// <summary>
    /// True for a <c>ProposalNetwork</c>'s output, Detectron2's <c>proposals</c>: the boxes are the
    /// RPN's proposals, <see cref="Scores"/> their objectness logits (not probabilities), and every
    /// class is 0 (a proposal has none).
    /// </summary>
    public bool AreProposals { get; }

    /// <summary>
    /// Detectron2's <c>detector_postprocess</c> on one image's detections (resized-image pixels):
    /// x scaled by original width / resized width and y likewise (in float32, as the boxes are),
    /// clipped to the original image, instances whose box is then empty dropped; with a mask head
    /// each kept instance's probabilities pasted into its box (<c>paste_masks_in_image</c>,
    /// threshold 0.5); with a keypoint head each kept instance's keypoints decoded from its heatmaps
    /// on its resized-image box (<c>heatmaps_to_keypoints</c>), then scaled like the boxes.
    /// </summary>
    public static Instances Postprocess(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> classes,
        (int Height, int Width) resized, (int Height, int Width) original, HeadOutputs heads = default) =>
        Postprocess(boxes, scores, classes, resized, original, heads, areProposals: false);

    /// <summary>
    /// <c>detector_postprocess</c> on one image's RPN proposals (a <c>ProposalNetwork</c>'s output):
    /// the boxes scaled, clipped and filtered as detections are, the objectness logits as the scores.
    /// </summary>
    public static Instances PostprocessProposals(ReadOnlySpan<float> boxes, ReadOnlySpan<float> logits,
        (int Height, int Width) resized, (int Height, int Width) original) =>
        Postprocess(boxes, logits, new long[logits.Length], resized, original, default, areProposals: true);

    private static Instances Postprocess(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> classes,
        (int Height, int Width) resized, (int Height, int Width) original, HeadOutputs heads, bool areProposals)
    {
        float scaleX = (float)((double)original.Width / resized.Width), scaleY = (float)((double)original.Height / resized.Height);
        var keptBoxes = new List<float>();
        var keptScores = new List<float>();
        var keptClasses = new List<int>();
        var masks = heads.MaskSize > 0 ? new List<BitMask>() : null;
        var keypoints = heads.Keypoints > 0 ? new List<float>() : null;
        var decoded = new float[3 * heads.Keypoints];
        for (int i = 0; i < scores.Length; i++)
        {
            float x1 = Math.Clamp(boxes[4 * i] * scaleX, 0f, original.Width), y1 = Math.Clamp(boxes[4 * i + 1] * scaleY, 0f, original.Height);
            float x2 = Math.Clamp(boxes[4 * i + 2] * scaleX, 0f, original.Width), y2 = Math.Clamp(boxes[4 * i + 3] * scaleY, 0f, original.Height);
            if (!(x2 - x1 > 0 && y2 - y1 > 0)) continue;
            keptBoxes.AddRange([x1, y1, x2, y2]);
            keptScores.Add(scores[i]);
            keptClasses.Add((int)classes[i]);
            int mask = heads.MaskSize * heads.MaskSize;
            masks?.Add(MaskPaste.Paste(heads.MaskProbs.Slice(i * mask, mask), heads.MaskSize, [x1, y1, x2, y2], original.Height, original.Width));
            if (keypoints == null) continue;
            int maps = heads.Keypoints * heads.HeatmapSize * heads.HeatmapSize;
            KeypointDecode.Decode(heads.Heatmaps.Slice(i * maps, maps), heads.Keypoints, heads.HeatmapSize, boxes.Slice(4 * i, 4), decoded);
            for (int k = 0; k < heads.Keypoints; k++) keypoints.AddRange([decoded[3 * k] * scaleX, decoded[3 * k + 1] * scaleY, decoded[3 * k + 2]]);
        }
        return new Instances(original.Height, original.Width, keptBoxes.ToArray(), keptScores.ToArray(), keptClasses.ToArray(), masks,
            keypoints?.ToArray(), heads.Keypoints, areProposals);
    }
}

/// <summary>
/// One image's outputs of the heads that run on its detections, row d for detection d: mask
/// probabilities [D, S, S] (<see cref="MaskSize"/> 0: no mask head) and keypoint heatmaps
/// [D, K, S', S'] (<see cref="Keypoints"/> 0: no keypoint head).
/// </summary>
public readonly ref struct HeadOutputs(ReadOnlySpan<float> maskProbs, int maskSize, ReadOnlySpan<float> heatmaps, int keypoints, int heatmapSize)
{
    /// <summary>Mask probabilities (after the sigmoid), [D, <see cref="MaskSize"/>, <see cref="MaskSize"/>] row-major.</summary>
    public readonly ReadOnlySpan<float> MaskProbs = maskProbs;
    /// <summary>S, the side of each mask in cells (<c>ROI_MASK_HEAD.POOLER_RESOLUTION</c> × 2, 28 for the model zoo); 0 when there is no mask head.</summary>
    public readonly int MaskSize = maskSize;
    /// <summary>Keypoint heatmap logits, [D, <see cref="Keypoints"/>, <see cref="HeatmapSize"/>, <see cref="HeatmapSize"/>] row-major.</summary>
    public readonly ReadOnlySpan<float> Heatmaps = heatmaps;
    /// <summary>K, keypoints per detection; 0 when there is no keypoint head.</summary>
    public readonly int Keypoints = keypoints;
    /// <summary>S', the side of each heatmap in cells (56 for the model zoo's keypoint head).</summary>
    public readonly int HeatmapSize = heatmapSize;
}
