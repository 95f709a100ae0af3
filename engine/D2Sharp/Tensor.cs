namespace D2Sharp;

/// <summary>
/// A dense float32 array with a shape, row-major. Used at the boundaries (checkpoints, .npy/.npz,
/// session inputs and outputs); backends keep their own layouts inside.
/// </summary>
public sealed class Tensor
{
    public int[] Shape { get; }
    public float[] Data { get; }

    public Tensor(int[] shape) : this(shape, new float[CountElements(shape)]) { }

    public Tensor(int[] shape, float[] data)
    {
        long count = CountElements(shape);
        if (data.LongLength != count)
            throw new ArgumentException($"data has {data.LongLength} elements but shape {ShapeString(shape)} needs {count}");
        Shape = shape;
        Data = data;
    }

    public int Rank => Shape.Length;
    public long Length => Data.LongLength;

    public static long CountElements(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {ShapeString(shape)}");
            n *= d;
        }
        return n;
    }

    public static string ShapeString(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public override string ToString() => $"Tensor{ShapeString(Shape)}";
}
