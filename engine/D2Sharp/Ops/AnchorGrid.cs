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

    /// <summary>Writes the [H·W·A, 4] grid into <paramref name="y"/> (a flat span of H·W·A·4 floats).</summary>
    /// <remarks>
    /// Float32 throughout as Detectron2: shifts are <c>torch.arange(offset·stride, W·stride, stride,
    /// dtype=float32)</c> (each value computed in double and rounded, as PyTorch's CPU arange does),
    /// and each anchor coordinate is the float32 sum shift + cell anchor.
    /// </remarks>
    public void Reference(int height, int width, Span<float> y)
    {
        if (height < 0 || width < 0)
            throw new ShapeException($"AnchorGrid: negative grid {height}x{width}");
        int count = NumCellAnchors;
        if ((long)y.Length != (long)height * width * count * 4)
            throw new ShapeException($"AnchorGrid output holds {y.Length} floats, expected {height}x{width}x{count}x4");
        int at = 0;
        for (int gy = 0; gy < height; gy++)
        {
            float shiftY = Shift(gy);
            for (int gx = 0; gx < width; gx++)
            {
                float shiftX = Shift(gx);
                for (int a = 0; a < count; a++)
                {
                    y[at++] = shiftX + CellAnchors[4 * a];
                    y[at++] = shiftY + CellAnchors[4 * a + 1];
                    y[at++] = shiftX + CellAnchors[4 * a + 2];
                    y[at++] = shiftY + CellAnchors[4 * a + 3];
                }
            }
        }
    }

    private float Shift(int index) => (float)((double)Offset * Stride + (double)index * Stride);
}
