namespace D2Sharp.Ops;

/// <summary>
/// An NHWC float32 view into a buffer (an arena slot or a standalone array). Every op's reference
/// implementation reads and writes through these views, so ops never allocate their outputs.
/// </summary>
public readonly struct FeatureMap
{
    public readonly float[] Data;
    public readonly int Offset;
    public readonly int N, H, W, C;

    public FeatureMap(float[] data, int offset, int n, int h, int w, int c)
    {
        if (n < 0 || h < 0 || w < 0 || c < 0) throw new ArgumentException($"negative extent N={n} H={h} W={w} C={c}");
        if (offset < 0 || (long)offset + (long)n * h * w * c > data.LongLength)
            throw new ArgumentException($"view N={n} H={h} W={w} C={c} at offset {offset} exceeds a buffer of {data.Length} floats");
        Data = data; Offset = offset; N = n; H = h; W = w; C = c;
    }

    public static FeatureMap Allocate(int n, int h, int w, int c) => new(new float[(long)n * h * w * c], 0, n, h, w, c);

    public int Length => N * H * W * C;

    /// <summary>Flat index of element (n, y, x, c) in <see cref="Data"/>.</summary>
    public int Index(int n, int y, int x, int c) => Offset + ((n * H + y) * W + x) * C + c;

    public float this[int n, int y, int x, int c]
    {
        get => Data[Index(n, y, x, c)];
        set => Data[Index(n, y, x, c)] = value;
    }

    public Span<float> Span => Data.AsSpan(Offset, Length);

    /// <summary>Logical NCHW dimensions, as the graph and the interchange formats see them.</summary>
    public int[] NchwShape => [N, C, H, W];

    /// <summary>Copies an NCHW tensor into a new NHWC map.</summary>
    public static FeatureMap FromNchw(Tensor t)
    {
        if (t.Rank != 4) throw new ArgumentException($"expected an NCHW tensor, got shape {Tensor.ShapeString(t.Shape)}");
        var m = Allocate(t.Shape[0], t.Shape[2], t.Shape[3], t.Shape[1]);
        m.CopyFromNchw(t.Data);
        return m;
    }

    public void CopyFromNchw(ReadOnlySpan<float> src)
    {
        if (src.Length != Length) throw new ArgumentException($"NCHW source has {src.Length} floats, view holds {Length}");
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++)
                        Data[Index(n, y, x, c)] = src[((n * C + c) * H + y) * W + x];
    }

    public Tensor ToNchw()
    {
        var t = new Tensor([N, C, H, W]);
        CopyToNchw(t.Data);
        return t;
    }

    public void CopyToNchw(Span<float> dst)
    {
        if (dst.Length != Length) throw new ArgumentException($"NCHW destination holds {dst.Length} floats, view has {Length}");
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++)
                        dst[((n * C + c) * H + y) * W + x] = Data[Index(n, y, x, c)];
    }
}
