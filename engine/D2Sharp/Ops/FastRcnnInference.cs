namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>FastRCNNOutputLayers.inference</c> (<c>fast_rcnn_inference_single_image</c>)
/// per image, on the box predictor's outputs for its proposals: softmax over the K + 1 logits
/// (background last; with <see cref="Stages"/> > 1, Cascade R-CNN's mean of every stage's
/// softmax: their sum times 1/S); each proposal moved by its class's deltas (<c>Box2BoxTransform</c> with
/// <see cref="Weights"/>, one shared box when <see cref="ClassAgnostic"/>); rows with a non-finite
/// box or score dropped; boxes clipped to the image; (proposal, class) pairs with probability above
/// <see cref="ScoreThreshold"/> taken in proposal-major order; NMS per class at
/// <see cref="NmsThreshold"/> (torchvision's <c>batched_nms</c>); the best
/// <see cref="DetectionsPerImage"/> kept.
/// Inputs: class logits [N·P, K + 1] (one per stage), box deltas [N·P, 4K] (or [N·P, 4]),
/// proposals [N, P, 4], proposal count int32 [N], image_sizes int32 [N, 2]. Outputs, with D = <see cref="DetectionsPerImage"/>:
/// boxes [N, D, 4], scores [N, D], classes int64 [N, D], count int32 [N]; rows from the count on
/// hold a zero box, score −∞ and class −1.
/// </summary>
public sealed class FastRcnnInference : Op
{
    private static readonly IReadOnlyList<string> Names = ["boxes", "scores", "classes", "count"];

    /// <summary>K, the number of foreground classes (<c>ROI_HEADS.NUM_CLASSES</c>); the logits have K + 1 columns.</summary>
    public int NumClasses { get; init; }
    /// <summary>One box regression shared by all classes (<c>ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG</c>): deltas [N·P, 4] instead of [N·P, 4K].</summary>
    public bool ClassAgnostic { get; init; }
    /// <summary>(wx, wy, ww, wh): ROI_BOX_HEAD.BBOX_REG_WEIGHTS.</summary>
    public float[] Weights { get; init; } = [10, 10, 5, 5];
    /// <summary>Upper clamp on dw and dh before exp; <see cref="BoxDecode.DefaultScaleClamp"/> by default.</summary>
    public float ScaleClamp { get; init; } = BoxDecode.DefaultScaleClamp;
    /// <summary>Class probability a detection must exceed (<c>ROI_HEADS.SCORE_THRESH_TEST</c>); 0.05 by default.</summary>
    public float ScoreThreshold { get; init; } = 0.05f;
    /// <summary>IoU above which per-class NMS drops the lower-scored box (<c>ROI_HEADS.NMS_THRESH_TEST</c>); 0.5 by default.</summary>
    public double NmsThreshold { get; init; } = 0.5;
    /// <summary>D, the most detections kept per image (<c>TEST.DETECTIONS_PER_IMAGE</c>); 100 by default.</summary>
    public int DetectionsPerImage { get; init; } = 100;
    /// <summary>Class logits inputs whose softmaxes are averaged: Cascade R-CNN's stages; 1 otherwise.</summary>
    public int Stages { get; init; } = 1;

    /// <inheritdoc/>
    public override string Kind => "FastRcnnInference";
    /// <summary><see cref="Stages"/> logits inputs, then deltas, proposals, proposal count and image sizes.</summary>
    public override int Arity => Stages + 4;
    /// <summary><c>boxes</c>, <c>scores</c>, <c>classes</c>, <c>count</c>.</summary>
    public override IReadOnlyList<string> OutputNames => Names;
    /// <summary>False: all outputs are plain arrays.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary>Int32 for the proposal count and image sizes (the last two inputs), float32 before them.</summary>
    public override DataType InputType(int index) => index >= Stages + 2 ? DataType.Int32 : DataType.Float32;

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
        if (Stages <= 0) throw new ShapeException($"FastRcnnInference needs at least one stage, got {Stages}");
        var (logits, deltas, proposals, count, sizes) = (inputs[0], inputs[Stages], inputs[Stages + 1], inputs[Stages + 2], inputs[Stages + 3]);
        if (NumClasses <= 0 || DetectionsPerImage <= 0 || Weights.Length != 4)
            throw new ShapeException($"FastRcnnInference needs classes > 0, detections per image > 0 and 4 weights ({Describe()})");
        ExpectRank(proposals, 3, "FastRcnnInference proposals");
        int n = proposals[0], rows = n * proposals[1];
        if (proposals[2] != 4) throw new ShapeException($"FastRcnnInference proposals {Tensor.ShapeString(proposals)} must be [N, P, 4]");
        if (Enumerable.Range(0, Stages).Any(s => !inputs[s].SequenceEqual(new[] { rows, NumClasses + 1 })))
            throw new ShapeException($"FastRcnnInference class logits {Tensor.ShapeString(logits)} must be [{rows}, {NumClasses + 1}]");
        int boxColumns = 4 * (ClassAgnostic ? 1 : NumClasses);
        if (!deltas.SequenceEqual(new[] { rows, boxColumns }))
            throw new ShapeException($"FastRcnnInference box deltas {Tensor.ShapeString(deltas)} must be [{rows}, {boxColumns}]");
        if (!count.SequenceEqual(new[] { n }) || !sizes.SequenceEqual(new[] { n, 2 }))
            throw new ShapeException($"FastRcnnInference proposal count {Tensor.ShapeString(count)} and image_sizes {Tensor.ShapeString(sizes)} must be [{n}] and [{n}, 2]");
        int d = DetectionsPerImage;
        return [[n, d, 4], [n, d], [n, d], [n]];
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"classes={NumClasses}{(ClassAgnostic ? " agnostic" : "")}{(Stages > 1 ? $" stages={Stages}" : "")} weights=({string.Join(", ", Weights)}) score>{ScoreThreshold} nms>{NmsThreshold} top={DetectionsPerImage}";
}
