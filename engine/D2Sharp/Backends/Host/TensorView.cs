namespace D2Sharp.Backends.Host;

/// <summary>
/// A value's memory during one run: a pointer into the arena (or the plan's constant buffer), its
/// logical shape and data type. Feature maps are NHWC in memory (<see cref="Map"/>); every other
/// value is row-major in its logical shape.
/// </summary>
internal readonly unsafe struct TensorView(byte* data, int[] shape, DataType type)
{
    public readonly byte* Data = data;
    public readonly int[] Shape = shape;
    public readonly DataType Type = type;

    public long Length => Tensor.CountElements(Shape);

    /// <summary>The memory as <typeparamref name="T"/>: the elements, or with <c>byte</c> their raw bytes.</summary>
    public Span<T> Span<T>() where T : unmanaged => new(Data, checked((int)(Length * Type.SizeOf() / sizeof(T))));

    /// <summary>The NHWC view of a logical [N, C, H, W] float32 feature map.</summary>
    public FeatureMap Map() => new((float*)Data, Shape[0], Shape[2], Shape[3], Shape[1]);
}

/// <summary>An NHWC float32 feature map in native memory: what the host kernels read and write.</summary>
internal readonly unsafe struct FeatureMap(float* data, int n, int h, int w, int c)
{
    public readonly float* Data = data;
    public readonly int N = n, H = h, W = w, C = c;

    public long Index(int n, int y, int x, int c) => (((long)n * H + y) * W + x) * C + c;

    public ref float this[int n, int y, int x, int c] => ref Data[Index(n, y, x, c)];

    /// <summary>The C channels of one pixel.</summary>
    public Span<float> Pixel(int n, int y, int x) => new(Data + Index(n, y, x, 0), C);

    /// <summary>The channels of <paramref name="count"/> neighbouring pixels of one row, which NHWC stores contiguously.</summary>
    public Span<float> Pixels(int n, int y, int x, int count) => new(Data + Index(n, y, x, 0), count * C);
}
