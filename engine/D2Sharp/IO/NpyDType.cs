using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace D2Sharp.IO;

/// <summary>
/// A numpy scalar dtype as written in a descr (<c>"&lt;f4"</c>, <c>"|u1"</c>, <c>"&gt;i8"</c>,
/// <c>"f4"</c>, ...): kind, item size and byte order. The one decoder of numpy element bytes, shared
/// by the <c>.npy</c> reader and the pickled-array decoder of checkpoints. Only plain numeric kinds
/// are supported; everything else (object, strings, datetimes, complex, structured) is refused by
/// <see cref="Parse"/>.
/// </summary>
internal sealed record NpyDType(char Kind, int ItemSize, bool LittleEndian)
{
    public const string Supported = "f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1 (either byte order)";

    /// <summary>
    /// Parses a descr string. <paramref name="error"/> turns a description of what is wrong into the
    /// caller's exception, so each format names its own file (and key) in the message.
    /// </summary>
    public static NpyDType Parse(string descr, Func<string, Exception> error)
    {
        bool hasOrder = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=';
        char order = hasOrder ? descr[0] : '=';
        string body = hasOrder ? descr[1..] : descr;
        if (body.StartsWith('O'))
            throw error($"object arrays (dtype '{descr}') hold pickled Python objects, which D2Sharp never unpickles");
        if (body.Length < 2)
            throw error($"unsupported dtype '{descr}'; supported: {Supported}");
        char kind = body[0];
        if (kind == '?') kind = 'b';
        bool sizeOk = int.TryParse(body.AsSpan(1), System.Globalization.NumberStyles.None, null, out int size);
        bool known = sizeOk && kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!known)
            throw error($"unsupported dtype '{descr}'; supported: {Supported}");
        return new NpyDType(kind, size, IsLittleEndianOrder(order));
    }

    /// <summary>
    /// Whether a numpy byte-order character means little-endian: <c>'&lt;'</c> yes, <c>'&gt;'</c> no,
    /// and <c>'|'</c> (not applicable) or <c>'='</c> (native) the reader's own order, as in numpy.
    /// </summary>
    public static bool IsLittleEndianOrder(char order) => order switch
    {
        '<' => true,
        '>' => false,
        _ => BitConverter.IsLittleEndian,
    };

    /// <summary>The descr numpy writes for this dtype: <c>"&lt;f4"</c>, <c>"&gt;i2"</c>, <c>"|u1"</c>.</summary>
    public string Descr => $"{(ItemSize == 1 ? '|' : LittleEndian ? '<' : '>')}{Kind}{ItemSize}";

    /// <summary>
    /// Bytes an array of <paramref name="shape"/> takes, saturating at <see cref="long.MaxValue"/>
    /// instead of wrapping, so a hostile shape can neither alias a small one nor overflow.
    /// </summary>
    public long ByteCount(IReadOnlyList<int> shape)
    {
        if (shape.Contains(0)) return 0;
        long bytes = ItemSize;
        foreach (int dim in shape)
        {
            if (bytes > long.MaxValue / dim) return long.MaxValue;
            bytes *= dim;
        }
        return bytes;
    }

    /// <summary>
    /// Decodes stored elements into a C-order float32 tensor, converted as numpy's
    /// <c>astype(np.float32)</c> would, from either byte order and either memory order.
    /// </summary>
    /// <param name="data">Exactly <see cref="ByteCount"/> of <paramref name="shape"/> bytes; the caller checks.</param>
    /// <param name="shape">Copied into the tensor.</param>
    /// <param name="fortranOrder">True when the elements are stored column-major.</param>
    public Tensor ToTensor(ReadOnlySpan<byte> data, int[] shape, bool fortranOrder)
    {
        var values = new float[Tensor.CountElements(shape)];
        ConvertToFloat32(data, values);
        if (fortranOrder && shape.Length > 1)
            values = NpyMemoryOrder.FortranToC(values, shape);
        return new Tensor((int[])shape.Clone(), values);
    }

    /// <summary>Whether the bytes can be reinterpreted as float32 without conversion.</summary>
    private bool IsNativeFloat32 => Kind == 'f' && ItemSize == 4 && LittleEndian == BitConverter.IsLittleEndian;

    /// <summary>
    /// Converts stored elements to float32 with numpy's <c>astype(np.float32)</c> rounding
    /// (round to nearest even; bool becomes 0 or 1).
    /// </summary>
    private void ConvertToFloat32(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (IsNativeFloat32)
        {
            MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
            return;
        }
        for (int i = 0; i < dst.Length; i++)
            dst[i] = ReadElement(src.Slice(i * ItemSize, ItemSize));
    }

    private float ReadElement(ReadOnlySpan<byte> b) => (Kind, ItemSize, LittleEndian) switch
    {
        ('f', 2, true) => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
        ('f', 2, false) => (float)BinaryPrimitives.ReadHalfBigEndian(b),
        ('f', 4, true) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 4, false) => BinaryPrimitives.ReadSingleBigEndian(b),
        ('f', 8, true) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('f', 8, false) => (float)BinaryPrimitives.ReadDoubleBigEndian(b),
        ('i', 1, _) => (sbyte)b[0],
        ('i', 2, true) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 2, false) => BinaryPrimitives.ReadInt16BigEndian(b),
        ('i', 4, true) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 4, false) => BinaryPrimitives.ReadInt32BigEndian(b),
        ('i', 8, true) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('i', 8, false) => BinaryPrimitives.ReadInt64BigEndian(b),
        ('u', 1, _) => b[0],
        ('u', 2, true) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 2, false) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ('u', 8, true) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64BigEndian(b),
        ('b', 1, _) => b[0] != 0 ? 1f : 0f,
        _ => throw new InvalidOperationException($"dtype {this} passed Parse but has no conversion"),
    };
}
