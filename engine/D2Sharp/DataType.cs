namespace D2Sharp;

/// <summary>Element types a graph value or a boundary tensor can hold: the dtypes Detectron2's test path uses.</summary>
public enum DataType
{
    /// <summary>IEEE 754 single (<c>torch.float32</c>, C# <see cref="float"/>): features, boxes, scores.</summary>
    Float32,
    /// <summary>IEEE 754 half (<c>torch.float16</c>, C# <see cref="Half"/>).</summary>
    Float16,
    /// <summary>32-bit signed integer (<c>torch.int32</c>): counts and image sizes.</summary>
    Int32,
    /// <summary>64-bit signed integer (<c>torch.int64</c>): indices and class ids.</summary>
    Int64,
    /// <summary>Unsigned byte (<c>torch.uint8</c>): image pixels.</summary>
    UInt8,
    /// <summary>Boolean stored as one byte, 0 or 1 (<c>torch.bool</c>, numpy <c>|b1</c>).</summary>
    Bool,
}

/// <summary>Sizes, names and CLR element types of <see cref="DataType"/>.</summary>
public static class DataTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this DataType type) => type switch
    {
        DataType.Float32 or DataType.Int32 => 4,
        DataType.Float16 => 2,
        DataType.Int64 => 8,
        DataType.UInt8 or DataType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The name PyTorch and numpy use (<c>float32</c>, <c>int64</c>, <c>bool</c>…).</summary>
    public static string Name(this DataType type) => type switch
    {
        DataType.Float32 => "float32",
        DataType.Float16 => "float16",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.UInt8 => "uint8",
        DataType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The numpy descr of the little-endian element (<c>&lt;f4</c>, <c>|u1</c>…).</summary>
    public static string NumpyDescr(this DataType type) => type switch
    {
        DataType.Float32 => "<f4",
        DataType.Float16 => "<f2",
        DataType.Int32 => "<i4",
        DataType.Int64 => "<i8",
        DataType.UInt8 => "|u1",
        DataType.Bool => "|b1",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Whether CLR elements of type <typeparamref name="T"/> hold <paramref name="type"/>:
    /// float, Half, int, long, and byte for both uint8 and bool (0 or 1).
    /// </summary>
    public static bool IsElementOf<T>(this DataType type) where T : unmanaged => type switch
    {
        DataType.Float32 => typeof(T) == typeof(float),
        DataType.Float16 => typeof(T) == typeof(Half),
        DataType.Int32 => typeof(T) == typeof(int),
        DataType.Int64 => typeof(T) == typeof(long),
        DataType.UInt8 or DataType.Bool => typeof(T) == typeof(byte),
        _ => false,
    };
}
