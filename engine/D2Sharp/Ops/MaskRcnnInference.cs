namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>mask_rcnn_inference</c>: for each detection, the mask head's logits of its
/// predicted class (channel 0 when the head is class-agnostic) through a sigmoid.
/// Inputs: mask logits, a feature map [N·D, K, S, S] (row n·D + d for detection d of image n),
/// classes int64 [N, D] and their count int32 [N]. Output: mask_probs [N, D, S, S]; rows from
/// the count on are zero.
/// </summary>
public sealed class MaskRcnnInference : Op
{
    /// <inheritdoc/>
    public override string Kind => "MaskRcnnInference";
    /// <summary>Three inputs: mask logits, classes and count.</summary>
    public override int Arity => 3;
    /// <summary>False: mask_probs is a plain [N, D, S, S] array.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary>The output's valid rows per image follow input 2, the detections' count.</summary>
    public override int CountInputOf(int output) => 2;
    /// <summary>Float32 for the logits, int64 for the classes, int32 for the count.</summary>
    public override DataType InputType(int index) => index switch
    {
        0 => DataType.Float32,
        1 => DataType.Int64,
        _ => DataType.Int32,
    };

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var (logits, classes, count) = (inputs[0], inputs[1], inputs[2]);
        ExpectRank(logits, 4, "MaskRcnnInference logits");
        ExpectRank(classes, 2, "MaskRcnnInference classes");
        if (logits[0] != classes[0] * classes[1] || !count.SequenceEqual(new[] { classes[0] }))
            throw new ShapeException($"MaskRcnnInference: logits {Tensor.ShapeString(logits)}, classes {Tensor.ShapeString(classes)} and count {Tensor.ShapeString(count)} do not pair up");
        return [[classes[0], classes[1], logits[2], logits[3]]];
    }

    /// <inheritdoc/>
    public override string Describe() => "sigmoid of the predicted class's mask";
}
