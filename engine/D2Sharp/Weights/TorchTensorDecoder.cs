using System.Buffers.Binary;
using D2Sharp.IO;

namespace D2Sharp.Weights;

/// <summary>
/// Turns a pickled torch tensor (a view: storage, offset, size, stride) into a float32 C-order
/// <see cref="Tensor"/>, as the numpy path does for arrays: floats of any width (bfloat16 too),
/// signed and unsigned integers and bools all become float32. Offset, size and stride are checked
/// against the storage's declared element count, and that count against the storage record's size,
/// before the storage is read; non-contiguous views are gathered element by element.
/// </summary>
internal static class TorchTensorDecoder
{
    /// <summary>Decodes <paramref name="tensor"/>; errors name <paramref name="key"/> and <paramref name="path"/>.</summary>
    public static Tensor ToTensor(PickledTorchTensor tensor, string key, TorchZipArchive archive, bool littleEndian, string path)
    {
        var storage = tensor.Storage;
        int[] shape = ReadSizes(tensor.Size, "size", key, path);
        long[] strides = ReadStrides(tensor.Stride, shape.Length, key, path);
        long offset = ReadIndex(tensor.StorageOffset, "storage offset", key, path);

        long count = ElementCount(shape);
        if (count > Array.MaxLength)
            throw Bad(path, key, $"tensor of size {Tensor.ShapeString(shape)} is too large");

        long storageBytes = archive.StorageLength(storage.Key);
        if (storage.Numel > storageBytes / storage.Type.ItemSize || storage.Numel * storage.Type.ItemSize != storageBytes)
            throw Bad(path, key, $"storage '{storage.Key}' declares {storage.Numel} elements of {storage.Type.Name}, but its record holds {storageBytes} bytes");
        if (count == 0) return new Tensor(shape, Array.Empty<float>());

        // The last element the view reaches; Int128 cannot overflow for any rank the limits allow.
        Int128 last = offset;
        for (int i = 0; i < shape.Length; i++) last += (Int128)(shape[i] - 1) * strides[i];
        if (last >= storage.Numel)
            throw Bad(path, key, $"offset {offset}, size {Tensor.ShapeString(shape)} and stride ({string.Join(", ", strides)}) reach element {last} of storage '{storage.Key}', which holds {storage.Numel}");

        int extent = (int)(last - offset + 1);
        float[] span = Decode(archive.ReadStorage(storage.Key), storage.Type, offset, extent, littleEndian, key, path);
        return new Tensor(shape, IsContiguous(shape, strides) ? span : Gather(span, shape, strides, (int)count));
    }

    /// <summary>The product of the sizes, saturating at <see cref="long.MaxValue"/>: (2^31-1)^4 must not wrap to a small count.</summary>
    private static long ElementCount(int[] shape)
    {
        if (shape.Contains(0)) return 0;
        long count = 1;
        foreach (int d in shape)
        {
            if (count > long.MaxValue / d) return long.MaxValue;
            count *= d;
        }
        return count;
    }

    /// <summary>The elements <c>[offset, offset + extent)</c> of the storage as float32, converted as numpy's <c>astype</c> would.</summary>
    private static float[] Decode(byte[] storage, TorchStorageType type, long offset, int extent, bool littleEndian, string key, string path)
    {
        var bytes = storage.AsSpan(checked((int)(offset * type.ItemSize)), checked(extent * type.ItemSize));
        if (type.IsBFloat16)
        {
            // bfloat16 is the top half of a float32.
            var values = new float[extent];
            for (int i = 0; i < extent; i++)
            {
                var element = bytes.Slice(2 * i, 2);
                int bits = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(element) : BinaryPrimitives.ReadUInt16BigEndian(element);
                values[i] = BitConverter.Int32BitsToSingle(bits << 16);
            }
            return values;
        }
        char order = type.ItemSize == 1 ? '|' : littleEndian ? '<' : '>';
        var dtype = NpyDType.Parse(order + type.NumpyKind!, problem => Bad(path, key, problem));
        return dtype.ToTensor(bytes, [extent], fortranOrder: false).Data;
    }

    /// <summary>Whether the view walks its elements in storage order without gaps (size-1 dimensions have any stride).</summary>
    private static bool IsContiguous(int[] shape, long[] strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>Copies a strided view into C order; <paramref name="span"/> starts at the view's storage offset.</summary>
    private static float[] Gather(float[] span, int[] shape, long[] strides, int count)
    {
        var result = new float[count];
        var index = new int[shape.Length];
        long source = 0;
        for (int i = 0; i < count; i++)
        {
            result[i] = span[source];
            // Advance the last dimension, carrying into earlier ones as an odometer does.
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    source += strides[d];
                    break;
                }
                source -= (long)(shape[d] - 1) * strides[d];
                index[d] = 0;
            }
        }
        return result;
    }

    private static int[] ReadSizes(object[] values, string what, string key, string path)
    {
        var sizes = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = ReadIndex(values[i], what, key, path);
            if (v > int.MaxValue) throw Bad(path, key, $"tensor {what} dimension {i} is not a valid size");
            sizes[i] = (int)v;
        }
        return sizes;
    }

    private static long[] ReadStrides(object[] values, int rank, string key, string path)
    {
        if (values.Length != rank)
            throw Bad(path, key, $"tensor has {rank} dimensions but {values.Length} strides");
        var strides = new long[rank];
        for (int i = 0; i < rank; i++) strides[i] = ReadIndex(values[i], "stride", key, path);
        return strides;
    }

    /// <summary>A non-negative int (torch never writes negative strides or offsets).</summary>
    private static long ReadIndex(object? value, string what, string key, string path)
    {
        long v = value switch
        {
            int i => i,
            long l => l,
            _ => -1,
        };
        return v >= 0 ? v : throw Bad(path, key, $"tensor {what} is not a non-negative integer");
    }

    private static CheckpointException Bad(string path, string key, string what) => new(path, $"entry '{key}': {what}");
}
