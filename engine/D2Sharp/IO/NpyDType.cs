using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace D2Sharp.IO;

/// <summary>
/// A numpy scalar dtype as written in a header's <c>descr</c> (<c>"&lt;f4"</c>, <c>"|u1"</c>,
/// <c>"&gt;i8"</c>, ...): kind, item size and byte order. Only plain numeric kinds are supported;
/// everything else (object, strings, datetimes, complex, structured) is refused by <see cref="Parse"/>.
/// </summary>
internal sealed record NpyDType(char Kind, int ItemSize, bool LittleEndian)
{
    public const string Supported = "f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1 (either byte order)";

    /// <summary>Parses a descr string; <paramref name="source"/> names the file for the error message.</summary>
    public static NpyDType Parse(string descr, string source)
    {
        bool hasOrder = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=';
        char order = hasOrder ? descr[0] : '=';
        string body = hasOrder ? descr[1..] : descr;
        if (body.StartsWith('O'))
            throw new NpyFormatException($"{source}: object arrays (dtype '{descr}') hold pickled Python objects, which D2Sharp never unpickles");
        if (body.Length < 2)
            throw new NpyFormatException($"{source}: unsupported dtype '{descr}'; supported: {Supported}");
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
            throw new NpyFormatException($"{source}: unsupported dtype '{descr}'; supported: {Supported}");
        // '|' (not applicable) and '=' (native) both mean the reader's own order, as in numpy.
        bool little = order switch
        {
            '<' => true,
            '>' => false,
            _ => BitConverter.IsLittleEndian,
        };
        return new NpyDType(kind, size, little);
    }

    /// <summary>Whether the bytes can be reinterpreted as float32 without conversion.</summary>
    private bool IsNativeFloat32 => Kind == 'f' && ItemSize == 4 && LittleEndian == BitConverter.IsLittleEndian;

    /// <summary>
    /// Converts stored elements to float32 with numpy's <c>astype(np.float32)</c> rounding
    /// (round to nearest even; bool becomes 0 or 1).
    /// </summary>
    public void ConvertToFloat32(ReadOnlySpan<byte> src, Span<float> dst)
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
