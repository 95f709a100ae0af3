namespace D2Sharp.Ops;

/// <summary>
/// One Cascade R-CNN stage's boxes for the next: each box moved by its class-agnostic deltas
/// (<c>Box2BoxTransform</c> with <see cref="Weights"/>, as <c>predict_boxes</c>) and clipped to its
/// image, as <c>_create_proposals_from_boxes</c> does at test time (no box is dropped).
/// Inputs: deltas [N·P, 4], boxes [N, P, 4], their count int32 [N], image_sizes int32 [N, 2].
/// Output: boxes [N, P, 4]; rows from the count on are zero.
/// </summary>
public sealed class RefineBoxes : Op
{
    /// <summary>(wx, wy, ww, wh) that divide the deltas: the stage's <c>ROI_BOX_CASCADE_HEAD.BBOX_REG_WEIGHTS</c> entry; (10, 10, 5, 5) by default.</summary>
    public float[] Weights { get; init; } = [10, 10, 5, 5];
    /// <summary>Upper clamp on dw and dh before exp; <see cref="BoxDecode.DefaultScaleClamp"/> by default.</summary>
    public float ScaleClamp { get; init; } = BoxDecode.DefaultScaleClamp;

    /// <inheritdoc/>
    public override string Kind => "RefineBoxes";
    /// <summary>Four inputs: deltas, boxes, count and image sizes.</summary>
    public override int Arity => 4;
    /// <summary>False: the boxes are a plain [N, P, 4] array.</summary>
    public override bool ProducesFeatureMap => false;
    /// <summary>Float32 for the deltas and boxes (inputs 0–1), int32 for the count and image sizes.</summary>
    public override DataType InputType(int index) => index >= 2 ? DataType.Int32 : DataType.Float32;
    /// <summary>The output's valid rows per image follow input 2, the boxes' count.</summary>
    public override int CountInputOf(int output) => 2;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var (deltas, boxes, count, sizes) = (inputs[0], inputs[1], inputs[2], inputs[3]);
        if (Weights.Length != 4) throw new ShapeException($"RefineBoxes needs 4 weights, got {Weights.Length}");
        ExpectRank(boxes, 3, "RefineBoxes boxes");
        int n = boxes[0];
        if (boxes[2] != 4 || !deltas.SequenceEqual(new[] { n * boxes[1], 4 }) || !count.SequenceEqual(new[] { n }) || !sizes.SequenceEqual(new[] { n, 2 }))
            throw new ShapeException($"RefineBoxes: deltas {Tensor.ShapeString(deltas)}, boxes {Tensor.ShapeString(boxes)}, count {Tensor.ShapeString(count)} " +
                                     $"and image_sizes {Tensor.ShapeString(sizes)} do not pair up");
        return [boxes];
    }

    /// <inheritdoc/>
    public override string Describe() => $"weights=({string.Join(", ", Weights)}) clip";
}
