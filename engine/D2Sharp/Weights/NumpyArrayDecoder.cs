using D2Sharp.IO;

namespace D2Sharp.Weights;

/// <summary>
/// Turns numpy's pickled array state into a float32 <see cref="Tensor"/>: any of float16/32/64,
/// int8–64, uint8–64 and bool, either byte order, C or Fortran order, any rank including 0-d.
/// This class reads the pickle's state tuple; the elements are decoded by <see cref="NpyDType"/>,
/// as for a <c>.npy</c> file.
/// </summary>
internal static class NumpyArrayDecoder
{
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
        var dtype = ReadDType(state[first + 1], key, path);
        bool fortran = ReadFlag(state[first + 2], key, path);
        byte[] bytes = ReadBytes(state[first + 3], key, path);

        // Checked before the shape sizes any allocation: a hostile shape is refused, never allocated.
        long byteCount = dtype.ByteCount(shape);
        if (byteCount > Array.MaxLength)
            throw Bad(path, key, $"array of shape {Tensor.ShapeString(shape)} is too large");
        if (bytes.LongLength != byteCount)
            throw Bad(path, key, $"array of shape {Tensor.ShapeString(shape)} and dtype {dtype.Descr} needs {byteCount} bytes, the file has {bytes.LongLength}");

        return dtype.ToTensor(bytes, shape, fortran);
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

    /// <summary>
    /// The constructor's descriptor (<c>"f4"</c>) gives kind and size; the byte order comes from the
    /// BUILD state when there is one (numpy always writes it there), else from the descriptor.
    /// </summary>
    private static NpyDType ReadDType(object? value, string key, string path)
    {
        if (value is not PickledNumpyDType pickled) throw Bad(path, key, "numpy array dtype is not a numpy.dtype");
        var dtype = NpyDType.Parse(pickled.Descriptor, problem => Bad(path, key, problem));
        if (pickled.State is not { } state) return dtype;
        if (state.Length < 2 || state[1] is not string byteOrder || byteOrder.Length != 1)
            throw Bad(path, key, $"dtype '{pickled.Descriptor}' has an unreadable state");
        if (state.Length >= 5 && (state[2] is not null || state[3] is not null || state[4] is not null))
            throw Bad(path, key, $"dtype '{pickled.Descriptor}' is a structured or sub-array dtype");
        // numpy pickles '<', '>' or '|'; '=' (the writer's native order) is normalised away when pickling.
        return dtype with { LittleEndian = NpyDType.IsLittleEndianOrder(byteOrder[0]) };
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

    private static CheckpointException Bad(string path, string key, string what) => new(path, $"entry '{key}': {what}");
}
