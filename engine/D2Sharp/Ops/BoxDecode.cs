namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's <c>Box2BoxTransform.apply_deltas</c> on the selected anchors: for batch item n and
/// row r, anchor i = indices[n, r] (index (y·W + x)·A + a, as Detectron2 flattens) is moved by the
/// four deltas of that anchor, channels 4a … 4a+3 of deltas[n, :, y, x]. In float32 as Detectron2:
/// w = x2 − x1, cx = x1 + 0.5·w; dx = d0 / wx, …; dw, dh clamped above at <see cref="ScaleClamp"/>;
/// cx' = dx·w + cx, w' = exp(dw)·w; box (cx' − 0.5·w', cy' − 0.5·h', cx' + 0.5·w', cy' + 0.5·h').
/// Rows whose index is −1 (top-k filler) become zeros. With <see cref="ClassesPerAnchor"/> K > 1
/// the indices count (anchor, class) pairs, anchor·K + class, as RetinaNet's top-k does.
/// Inputs: deltas [N, 4A, H, W] (a feature map), anchors [H·W·A, 4], indices int64 [N, k].
/// Output: boxes [N, k, 4].
/// </summary>
public sealed class BoxDecode : Op
{
    /// <summary>Detectron2's default clamp on dw and dh: log(1000 / 16).</summary>
    public static readonly float DefaultScaleClamp = (float)Math.Log(1000.0 / 16);

    /// <summary>(wx, wy, ww, wh): RPN.BBOX_REG_WEIGHTS or ROI_BOX_HEAD.BBOX_REG_WEIGHTS.</summary>
    public float[] Weights { get; init; } = [1, 1, 1, 1];
    /// <summary>Upper clamp on dw and dh before exp, so a box's width or height grows at most exp(ScaleClamp) times; <see cref="DefaultScaleClamp"/> (log(1000/16), a factor of 62.5) by default.</summary>
    public float ScaleClamp { get; init; } = DefaultScaleClamp;
    /// <summary>K when the indices are anchor·K + class; 1 when they are anchors.</summary>
    public int ClassesPerAnchor { get; init; } = 1;

    /// <inheritdoc/>
    public override string Kind => "BoxDecode";
    /// <summary>Three inputs: deltas, anchors and indices.</summary>
    public override int Arity => 3;
    /// <summary>Int64 for input 2 (the indices), float32 for the deltas and anchors.</summary>
    public override DataType InputType(int index) => index == 2 ? DataType.Int64 : DataType.Float32;
    /// <summary>False: the boxes are a plain [N, k, 4] array.</summary>
    public override bool ProducesFeatureMap => false;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var (deltas, anchors, indices) = (inputs[0], inputs[1], inputs[2]);
        ExpectRank(deltas, 4, "BoxDecode deltas");
        ExpectRank(anchors, 2, "BoxDecode anchors");
        ExpectRank(indices, 2, "BoxDecode indices");
        if (Weights.Length != 4) throw new ShapeException($"BoxDecode needs 4 weights, got {Weights.Length}");
        if (ClassesPerAnchor <= 0) throw new ShapeException($"BoxDecode needs ClassesPerAnchor > 0, got {ClassesPerAnchor}");
        if (anchors[1] != 4 || deltas[1] % 4 != 0 || (long)deltas[2] * deltas[3] * (deltas[1] / 4) != anchors[0])
            throw new ShapeException(
                $"BoxDecode: deltas {Tensor.ShapeString(deltas)} must hold 4 values for each of the {anchors[0]} anchors {Tensor.ShapeString(anchors)}");
        if (indices[0] != deltas[0]) throw new ShapeException($"BoxDecode: indices {Tensor.ShapeString(indices)} are not for batch {deltas[0]}");
        return [[indices[0], indices[1], 4]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"weights=({string.Join(", ", Weights)}) clamp={ScaleClamp}" + (ClassesPerAnchor > 1 ? $" classes={ClassesPerAnchor}" : "");
}
