namespace D2Sharp.Ops;

/// <summary>
/// The end of Detectron2's RetinaNet <c>inference_single_image</c>, per image: every level's
/// candidates (its top-k (anchor, class) pairs above the score threshold, already decoded)
/// concatenated in level order, NMS per class at <see cref="NmsThreshold"/> on the unclipped boxes
/// (torchvision's <c>batched_nms</c>), the best <see cref="DetectionsPerImage"/> kept.
/// Inputs: per level boxes [N, k, 4], scores [N, k], indices int64 [N, k] (anchor·K + class) and
/// their count int32 [N]. Outputs, with D = <see cref="DetectionsPerImage"/>: boxes [N, D, 4],
/// scores [N, D], classes int64 [N, D], count int32 [N]; rows from the count on hold a zero box,
/// score −∞ and class −1.
/// </summary>
public sealed class RetinaNetInference : Op
{
    private static readonly IReadOnlyList<string> Names = ["boxes", "scores", "classes", "count"];

    /// <summary>Number of feature levels whose candidates are merged (P3–P7: 5); each level supplies four inputs.</summary>
    public int Levels { get; init; }
    /// <summary>K, the number of classes (<c>RETINANET.NUM_CLASSES</c>); the indices are anchor·K + class.</summary>
    public int NumClasses { get; init; }
    /// <summary>IoU above which per-class NMS drops the lower-scored box (<c>RETINANET.NMS_THRESH_TEST</c>); 0.5 by default.</summary>
    public double NmsThreshold { get; init; } = 0.5;
    /// <summary>D, the most detections kept per image (<c>TEST.DETECTIONS_PER_IMAGE</c>); 100 by default.</summary>
    public int DetectionsPerImage { get; init; } = 100;

    /// <inheritdoc/>
    public override string Kind => "RetinaNetInference";
    /// <summary>Four inputs per level: boxes, scores, indices and count.</summary>
    public override int Arity => 4 * Levels;
    /// <summary><c>boxes</c>, <c>scores</c>, <c>classes</c>, <c>count</c>.</summary>
    public override IReadOnlyList<string> OutputNames => Names;
    /// <summary>False: all outputs are plain arrays.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary>Per level: float32 boxes and scores, int64 indices, int32 count.</summary>
    public override DataType InputType(int index) => (index % 4) switch
    {
        2 => DataType.Int64,
        3 => DataType.Int32,
        _ => DataType.Float32,
    };

    /// <summary>Float32 for boxes and scores, int64 for classes, int32 for the count.</summary>
    public override DataType OutputType(int index) => index switch
    {
        0 or 1 => DataType.Float32,
        2 => DataType.Int64,
        _ => DataType.Int32,
    };

    /// <summary>Boxes, scores and classes (outputs 0–2) take their valid row count from output 3.</summary>
    public override int CountOutputOf(int output) => output < 3 ? 3 : -1;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (Levels <= 0 || NumClasses <= 0 || DetectionsPerImage <= 0)
            throw new ShapeException($"RetinaNetInference needs levels, classes and detections per image > 0 ({Describe()})");
        int n = inputs[0][0];
        for (int l = 0; l < Levels; l++)
        {
            var (boxes, scores, indices, count) = (inputs[4 * l], inputs[4 * l + 1], inputs[4 * l + 2], inputs[4 * l + 3]);
            if (boxes.Length != 3 || boxes[0] != n || boxes[2] != 4 || !scores.SequenceEqual(new[] { n, boxes[1] })
                || !indices.SequenceEqual(scores) || !count.SequenceEqual(new[] { n }))
                throw new ShapeException($"RetinaNetInference level {l}: boxes {Tensor.ShapeString(boxes)}, scores {Tensor.ShapeString(scores)}, " +
                                         $"indices {Tensor.ShapeString(indices)} and count {Tensor.ShapeString(count)} do not pair up for batch {n}");
        }
        int d = DetectionsPerImage;
        return [[n, d, 4], [n, d], [n, d], [n]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"levels={Levels} classes={NumClasses} nms>{NmsThreshold} top={DetectionsPerImage}";
}
