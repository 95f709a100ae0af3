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
    public float[] Weights { get; init; } = [10, 10, 5, 5];
    public float ScaleClamp { get; init; } = BoxDecode.DefaultScaleClamp;

    public override string Kind => "RefineBoxes";
    public override int Arity => 4;
    public override bool ProducesFeatureMap => false;
    public override DataType InputType(int index) => index >= 2 ? DataType.Int32 : DataType.Float32;
    public override int CountInputOf(int output) => 2;

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

    public override string Describe() => $"weights=({string.Join(", ", Weights)}) clip";
}
