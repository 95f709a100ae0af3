namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's DefaultAnchorGenerator for one level: the cell anchors shifted over the feature
/// map's grid. Input: the feature map (only its H and W are read). Output [H·W·A, 4] XYXY, ordered
/// location-major (index = (y·W + x)·A + a), shifts x·stride + offset·stride. Float32 throughout
/// as Detectron2: the shifts are <c>torch.arange(offset·stride, W·stride, stride, dtype=float32)</c>
/// (each value computed in double and rounded, as PyTorch's CPU arange does), and each coordinate
/// is the float32 sum shift + cell anchor.
/// </summary>
public sealed class AnchorGrid : Op
{
    /// <summary>[A, 4] XYXY cell anchors, flattened.</summary>
    public float[] CellAnchors { get; init; } = [];
    /// <summary>The level's stride in input-image pixels (4 for P2, 8 for P3, …): the spacing of the grid's shifts.</summary>
    public int Stride { get; init; }
    /// <summary>Where in each cell the shifts start, as a fraction of <see cref="Stride"/>: Detectron2's <c>ANCHOR_GENERATOR.OFFSET</c> (config default 0.0).</summary>
    public float Offset { get; init; }

    /// <summary>A, the number of cell anchors per location (sizes × aspect ratios).</summary>
    public int NumCellAnchors => CellAnchors.Length / 4;

    /// <inheritdoc/>
    public override string Kind => "AnchorGrid";
    /// <summary>False: the output is a plain [H·W·A, 4] array, not a feature map.</summary>
    public override bool ProducesFeatureMap => false;

    /// <summary>The grid depends on the feature map's size alone.</summary>
    public override bool DependsOnShapesOnly => true;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "AnchorGrid input");
        return [[x[2] * x[3] * NumCellAnchors, 4]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"A={NumCellAnchors} stride={Stride} offset={Offset}";

    /// <summary>
    /// Cell anchors for sizes (outer loop) × aspect ratios (inner loop): w = sqrt(size²/ratio),
    /// h = ratio·w, box (−w/2, −h/2, w/2, h/2), no rounding.
    /// </summary>
    public static float[] MakeCellAnchors(IReadOnlyList<double> sizes, IReadOnlyList<double> aspectRatios)
    {
        var anchors = new float[sizes.Count * aspectRatios.Count * 4];
        int at = 0;
        foreach (double size in sizes)
        {
            foreach (double ratio in aspectRatios)
            {
                double w = Math.Sqrt(size * size / ratio);
                double h = ratio * w;
                anchors[at++] = (float)(-w / 2);
                anchors[at++] = (float)(-h / 2);
                anchors[at++] = (float)(w / 2);
                anchors[at++] = (float)(h / 2);
            }
        }
        return anchors;
    }
}
