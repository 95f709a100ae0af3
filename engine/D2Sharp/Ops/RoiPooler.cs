namespace D2Sharp.Ops;

/// <summary>
/// What Detectron2's <c>ROIPooler</c> adds to its per-level pooling op (<see cref="RoiAlign"/>,
/// <see cref="RoiPool"/>): every box is pooled from one level, chosen as
/// <c>assign_boxes_to_levels</c> does — floor(<see cref="CanonicalLevel"/> + log2(√area /
/// <see cref="CanonicalBoxSize"/> + 1e-8)) clamped to the levels present, in float32 — into an
/// <see cref="OutputSize"/>² grid of bins.
/// Inputs: one feature map [N, C, H_l, W_l] per level (finest first, <see cref="Scales"/> =
/// 1/stride each), boxes [N, P, 4] (XYXY, image pixels) and their count int32 [N].
/// Output: a feature map [N·P, C, S, S], row n·P + r for box r of image n; rows from the count on are zero.
/// </summary>
public abstract class RoiPooler : Op
{
    /// <summary>Per level, 1/stride of its feature map (1/4 for P2 … 1/32 for P5), finest first; each must be 1/2^k with consecutive k.</summary>
    public float[] Scales { get; init; } = [];
    /// <summary>S, bins per side of each pooled box (<c>POOLER_RESOLUTION</c> of the box, mask or keypoint head); 7 by default.</summary>
    public int OutputSize { get; init; } = 7;
    /// <summary>Box size in pixels that maps to <see cref="CanonicalLevel"/>: 224, as Detectron2's <c>ROIPooler</c>.</summary>
    public int CanonicalBoxSize { get; init; } = 224;
    /// <summary>The level a box of <see cref="CanonicalBoxSize"/> is pooled from: 4, as Detectron2's <c>ROIPooler</c>.</summary>
    public int CanonicalLevel { get; init; } = 4;

    /// <summary>Number of feature-map inputs, one per entry of <see cref="Scales"/>.</summary>
    public int Levels => Scales.Length;
    /// <summary>One feature map per level, then boxes and their count.</summary>
    public override int Arity => Levels + 2;
    /// <summary>Int32 for the last input (the count), float32 for the feature maps and boxes.</summary>
    public override DataType InputType(int index) => index == Levels + 1 ? DataType.Int32 : DataType.Float32;
    /// <summary>The count input: rows of unused box slots are zero.</summary>
    public override int SlotCountInput => Levels + 1;

    /// <summary>The level of the finest map (Detectron2's min_level = −log2(scale)).</summary>
    public int MinLevel => LevelOf(Scales[0]);

    /// <summary>The pyramid level of a map with this scale: round(−log2(scale)), 2 for 1/4.</summary>
    /// <param name="scale">1/stride of the map.</param>
    public static int LevelOf(float scale) => (int)Math.Round(-Math.Log2(scale));

    /// <summary>
    /// The level index (0 = finest) a box of this size is pooled from, as <c>assign_boxes_to_levels</c>;
    /// −1 when its level is NaN (a negative area, corners crossed on one axis): Detectron2's level
    /// assignment then matches no level, and its row stays zero. One level takes every box.
    /// </summary>
    public int LevelIndex(float x1, float y1, float x2, float y2)
    {
        if (Levels == 1) return 0;
        float size = MathF.Sqrt((x2 - x1) * (y2 - y1));
        float level = MathF.Floor(CanonicalLevel + MathF.Log2(size / CanonicalBoxSize + 1e-8f));
        return float.IsNaN(level) ? -1 : (int)Math.Clamp(level, MinLevel, MinLevel + Levels - 1) - MinLevel;
    }

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        if (Levels == 0) throw new ShapeException($"{Kind} needs at least one level");
        if (OutputSize <= 0) throw new ShapeException($"{Kind} output size {OutputSize} is invalid");
        for (int l = 0; l < Levels; l++)
            if (!(Scales[l] > 0) || Math.Abs(Math.Pow(2, -LevelOf(Scales[l])) - Scales[l]) > 1e-6 * Scales[l] || (l > 0 && LevelOf(Scales[l]) != LevelOf(Scales[l - 1]) + 1))
                throw new ShapeException($"{Kind} scales [{string.Join(", ", Scales)}] must be 1/2^k for consecutive k, finest first");
        var first = inputs[0];
        ExpectRank(first, 4, $"{Kind} features");
        for (int l = 1; l < Levels; l++)
        {
            ExpectRank(inputs[l], 4, $"{Kind} features");
            if (inputs[l][0] != first[0] || inputs[l][1] != first[1])
                throw new ShapeException($"{Kind} level {l} {Tensor.ShapeString(inputs[l])} does not match level 0 {Tensor.ShapeString(first)} in batch and channels");
        }
        var boxes = inputs[Levels];
        ExpectRank(boxes, 3, $"{Kind} boxes");
        if (boxes[0] != first[0] || boxes[2] != 4) throw new ShapeException($"{Kind} boxes {Tensor.ShapeString(boxes)} must be [{first[0]}, P, 4]");
        if (!inputs[Levels + 1].SequenceEqual(new[] { first[0] })) throw new ShapeException($"{Kind} count {Tensor.ShapeString(inputs[Levels + 1])} must be [{first[0]}]");
        return [[first[0] * boxes[1], first[1], OutputSize, OutputSize]];
    }

    /// <summary>The scales as strides, for <see cref="Op.Describe"/>.</summary>
    protected string DescribeScales() => $"scales=[{string.Join(", ", Scales.Select(s => $"1/{1 / s:0}"))}]";
}
