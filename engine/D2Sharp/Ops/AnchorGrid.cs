namespace D2Sharp.Ops;

/// <summary>
/// Detectron2's DefaultAnchorGenerator for one level: the cell anchors shifted over the feature
/// map's grid. Input: the feature map (only its H and W are read). Output [H·W·A, 4] XYXY, ordered
/// location-major (index = (y·W + x)·A + a), shifts x·stride + offset·stride.
/// </summary>
public sealed class AnchorGrid : Op
{
    /// <summary>[A, 4] XYXY cell anchors, flattened.</summary>
    public float[] CellAnchors { get; init; } = [];
    public int Stride { get; init; }
    public float Offset { get; init; }

    public int NumCellAnchors => CellAnchors.Length / 4;

    public override string Kind => "AnchorGrid";

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "AnchorGrid input");
        return [x[2] * x[3] * NumCellAnchors, 4];
    }

    public override string Describe() => $"A={NumCellAnchors} stride={Stride} offset={Offset}";

    /// <summary>
    /// Cell anchors for sizes (outer loop) × aspect ratios (inner loop): w = sqrt(size²/ratio),
    /// h = ratio·w, box (−w/2, −h/2, w/2, h/2), no rounding.
    /// </summary>
    public static float[] MakeCellAnchors(IReadOnlyList<double> sizes, IReadOnlyList<double> aspectRatios)
    {
        throw new NotImplementedException();
    }

    /// <summary>Writes the [H·W·A, 4] grid into <paramref name="y"/> (a flat span of H·W·A·4 floats).</summary>
    public void Reference(int height, int width, Span<float> y)
    {
        throw new NotImplementedException();
    }
}
