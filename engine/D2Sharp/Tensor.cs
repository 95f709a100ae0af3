using System.Runtime.InteropServices;

namespace D2Sharp;

/// <summary>
/// A dense, row-major array with a shape and a <see cref="DataType"/>. Used at the boundaries
/// (checkpoints, .npy/.npz, session inputs and outputs); backends keep their own layouts inside.
/// Feature maps are NCHW here, as PyTorch and Detectron2 hold them.
/// </summary>
public sealed class Tensor
{
    private readonly Array _storage;

    /// <summary>A float32 tensor of zeros.</summary>
    public Tensor(int[] shape) : this(shape, new float[CountElements(shape)]) { }

    /// <summary>A float32 tensor over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the product of <paramref name="shape"/>.</exception>
    public Tensor(int[] shape, float[] data) : this(shape, data, DataType.Float32) { }
    /// <summary>A float16 tensor over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the product of <paramref name="shape"/>.</exception>
    public Tensor(int[] shape, Half[] data) : this(shape, data, DataType.Float16) { }
    /// <summary>An int32 tensor over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the product of <paramref name="shape"/>.</exception>
    public Tensor(int[] shape, int[] data) : this(shape, data, DataType.Int32) { }
    /// <summary>An int64 tensor over <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the product of <paramref name="shape"/>.</exception>
    public Tensor(int[] shape, long[] data) : this(shape, data, DataType.Int64) { }

    /// <summary>A uint8 tensor, or a bool tensor (<paramref name="type"/> <see cref="DataType.Bool"/>, bytes 0 or 1).</summary>
    public Tensor(int[] shape, byte[] data, DataType type = DataType.UInt8)
        : this(shape, (Array)data, type is DataType.UInt8 or DataType.Bool ? type
            : throw new ArgumentException($"byte storage holds uint8 or bool tensors, not {type.Name()}", nameof(type))) { }

    private Tensor(int[] shape, Array data, DataType type)
    {
        long count = CountElements(shape);
        if (data.LongLength != count)
            throw new ArgumentException($"data has {data.LongLength} elements but shape {ShapeString(shape)} needs {count}");
        Shape = shape;
        Type = type;
        _storage = data;
    }

    /// <summary>A tensor of zeros of any type.</summary>
    public static Tensor Zeros(DataType type, int[] shape)
    {
        int count = checked((int)CountElements(shape));
        return type switch
        {
            DataType.Float32 => new Tensor(shape, new float[count]),
            DataType.Float16 => new Tensor(shape, new Half[count]),
            DataType.Int32 => new Tensor(shape, new int[count]),
            DataType.Int64 => new Tensor(shape, new long[count]),
            _ => new Tensor(shape, new byte[count], type),
        };
    }

    /// <summary>Dimensions, outermost first (NCHW for feature maps); the array is not copied, so do not change it.</summary>
    public int[] Shape { get; }
    /// <summary>Element type of the storage.</summary>
    public DataType Type { get; }
    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;
    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public long Length => _storage.LongLength;

    /// <summary>The elements of a float32 tensor; other types are read with <see cref="Span{T}"/>.</summary>
    public float[] Data => _storage as float[]
        ?? throw new InvalidOperationException($"this tensor is {Type.Name()}; Data holds float32 elements only (use Span<T>())");

    /// <summary>The elements as <typeparamref name="T"/> (float, Half, int, long, or byte for uint8/bool).</summary>
    public Span<T> Span<T>() where T : unmanaged => _storage is T[] array && Type.IsElementOf<T>()
        ? array
        : throw new InvalidOperationException($"this tensor is {Type.Name()}, not readable as {typeof(T).Name}");

    /// <summary>The element bytes, in memory order (little-endian).</summary>
    public Span<byte> Bytes =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_storage), checked((int)(Length * Type.SizeOf())));

    /// <summary>The product of the dimensions (1 for rank 0), as a <see cref="long"/>.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public static long CountElements(IReadOnlyList<int> shape)
    {
        long n = 1;
        // An index loop: foreach over the interface would allocate an enumerator, and kernels call this per run.
        for (int i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0) throw new ArgumentException($"negative dimension in shape {ShapeString(shape)}");
            n *= shape[i];
        }
        return n;
    }

    /// <summary>Formats a shape as <c>[2, 3, 64, 64]</c>, for messages.</summary>
    public static string ShapeString(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Type and shape, e.g. <c>Tensor[1, 256, 200, 304] float32</c>.</summary>
    public override string ToString() => $"Tensor{ShapeString(Shape)} {Type.Name()}";
}
