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

    public int Levels { get; init; }
    public int NumClasses { get; init; }
    public double NmsThreshold { get; init; } = 0.5;
    public int DetectionsPerImage { get; init; } = 100;

    public override string Kind => "RetinaNetInference";
    public override int Arity => 4 * Levels;
    public override IReadOnlyList<string> OutputNames => Names;
    public override bool ProducesFeatureMap => false;
    public override DataType InputType(int index) => (index % 4) switch
    {
        2 => DataType.Int64,
        3 => DataType.Int32,
        _ => DataType.Float32,
    };

    public override DataType OutputType(int index) => index switch
    {
        0 or 1 => DataType.Float32,
        2 => DataType.Int64,
        _ => DataType.Int32,
    };

    public override int CountOutputOf(int output) => output < 3 ? 3 : -1;

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

    public override string Describe() => $"levels={Levels} classes={NumClasses} nms>{NmsThreshold} top={DetectionsPerImage}";
}
