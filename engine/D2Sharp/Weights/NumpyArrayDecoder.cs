using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace D2Sharp.Weights;

/// <summary>
/// Turns numpy's pickled array state into a float32 <see cref="Tensor"/>: any of float16/32/64,
/// int8–64, uint8–64 and bool, either byte order, C or Fortran order, any rank including 0-d.
/// </summary>
internal static partial class NumpyArrayDecoder
{
    private readonly record struct ElementType(char Kind, int Size, bool BigEndian);

    /// <summary>Decodes <paramref name="array"/>; errors name <paramref name="key"/> and <paramref name="path"/>.</summary>
    public static Tensor ToTensor(PickledNumpyArray array, string key, string path)
    {
        var state = array.State ?? throw Bad(path, key, "the numpy array has no state (BUILD missing)");
        // numpy >= 1.0 writes (version, shape, dtype, is_fortran, data); older numpy drops the version.
        int first = state.Length switch
        {
            5 => 1,
            4 => 0,
            _ => throw Bad(path, key, $"numpy array state has {state.Length} items, expected 4 or 5"),
        };
        int[] shape = ReadShape(state[first], key, path);
        var type = ReadElementType(state[first + 1], key, path);
        bool fortran = ReadFlag(state[first + 2], key, path);
        byte[] bytes = ReadBytes(state[first + 3], key, path);

        long count = CountElements(shape);
        if (count > Array.MaxLength)
            throw Bad(path, key, $"array of shape {Tensor.ShapeString(shape)} is too large");
        if (bytes.LongLength != count * type.Size)
            throw Bad(path, key, $"array of shape {Tensor.ShapeString(shape)} and dtype {Describe(type)} needs {count * type.Size} bytes, the file has {bytes.LongLength}");

        float[] values = Convert(bytes, (int)count, type);
        if (fortran && shape.Length > 1) values = FortranToRowMajor(values, shape);
        return new Tensor(shape, values);
    }

    private static int[] ReadShape(object? value, string key, string path)
    {
        if (value is not object[] dims) throw Bad(path, key, "numpy array shape is not a tuple");
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = dims[i] switch
            {
                int v => v,
                long v => v,
                _ => -1,
            };
            if (d < 0 || d > int.MaxValue) throw Bad(path, key, $"numpy array dimension {i} is not a valid size");
            shape[i] = (int)d;
        }
        return shape;
    }

    /// <summary>The element count, saturated instead of wrapping so a hostile shape cannot alias a small one.</summary>
    private static long CountElements(int[] shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d == 0) return 0;
            count = count > long.MaxValue / d ? long.MaxValue : count * d;
        }
        return count;
    }

    private static ElementType ReadElementType(object? value, string key, string path)
    {
        if (value is not PickledNumpyDType dtype) throw Bad(path, key, "numpy array dtype is not a numpy.dtype");
        var match = DescriptorPattern().Match(dtype.Descriptor);
        if (!match.Success) throw Bad(path, key, $"dtype '{dtype.Descriptor}' is not a numeric dtype");
        char kind = match.Groups["kind"].Value[0];
        int size = int.Parse(match.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture);
        bool supported = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            _ => size == 1, // 'b': bool
        };
        if (!supported) throw Bad(path, key, $"dtype '{dtype.Descriptor}' is not supported");

        char order = match.Groups["order"].Value is [var c] ? c : '<';
        if (dtype.State is { } state)
        {
            if (state.Length < 2 || state[1] is not string byteOrder || byteOrder.Length != 1)
                throw Bad(path, key, $"dtype '{dtype.Descriptor}' has an unreadable state");
            if (state.Length >= 5 && (state[2] is not null || state[3] is not null || state[4] is not null))
                throw Bad(path, key, $"dtype '{dtype.Descriptor}' is a structured or sub-array dtype");
            order = byteOrder[0];
        }
        // '=' is the writer's native order; numpy normalises it away when pickling, little-endian otherwise.
        return new ElementType(kind, size, order == '>');
    }

    private static bool ReadFlag(object? value, string key, string path) => value switch
    {
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        _ => throw Bad(path, key, "numpy array is_fortran flag is not a boolean"),
    };

    /// <summary>Raw data: bytes (protocol 3+, or <c>_codecs.encode</c> in protocol 2) or a latin-1 str (Python 2 pickles).</summary>
    private static byte[] ReadBytes(object? value, string key, string path)
    {
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case string text:
                var result = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    if (text[i] > 0xFF) throw Bad(path, key, "numpy array data string is not latin-1");
                    result[i] = (byte)text[i];
                }
                return result;
            default:
                throw Bad(path, key, "numpy array data is not raw bytes (object arrays are not supported)");
        }
    }

    private static float[] Convert(byte[] bytes, int count, ElementType type)
    {
        var values = new float[count];
        if (type is { Kind: 'f', Size: 4, BigEndian: false } && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).CopyTo(values);
            return values;
        }
        for (int i = 0; i < count; i++)
            values[i] = ReadElement(bytes.AsSpan(i * type.Size, type.Size), type);
        return values;
    }

    private static float ReadElement(ReadOnlySpan<byte> b, ElementType type) => (type.Kind, type.Size, type.BigEndian) switch
    {
        ('f', 2, false) => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
        ('f', 2, true) => (float)BinaryPrimitives.ReadHalfBigEndian(b),
        ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
        ('f', 8, false) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('f', 8, true) => (float)BinaryPrimitives.ReadDoubleBigEndian(b),
        ('i', 1, _) => (sbyte)b[0],
        ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(b),
        ('u', 1, _) or ('b', 1, _) => b[0],
        ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => BinaryPrimitives.ReadUInt64BigEndian(b), // ('u', 8, true): the only combination left
    };

    /// <summary>Fortran order: the first index varies fastest. Rewrites to row-major (last index fastest).</summary>
    private static float[] FortranToRowMajor(float[] source, int[] shape)
    {
        int rank = shape.Length;
        var fortranStride = new long[rank];
        long stride = 1;
        for (int d = 0; d < rank; d++)
        {
            fortranStride[d] = stride;
            stride *= shape[d];
        }
        var result = new float[source.Length];
        var index = new int[rank];
        long offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = source[offset];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                offset += fortranStride[d];
                if (index[d] < shape[d]) break;
                offset -= fortranStride[d] * shape[d];
                index[d] = 0;
            }
        }
        return result;
    }

    private static string Describe(ElementType type) => $"{(type.BigEndian ? '>' : '<')}{type.Kind}{type.Size}";

    private static CheckpointException Bad(string path, string key, string what) => new(path, $"entry '{key}': {what}");

    [GeneratedRegex("^(?<order>[<>|=]?)(?<kind>[fiub])(?<size>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DescriptorPattern();
}
