using System.Buffers.Binary;
using System.Text;

namespace D2Sharp.Tests.IO;

/// <summary>Builds .npy files byte by byte, so tests can feed the reader what numpy (or a broken writer) would produce.</summary>
internal static class NpyBytes
{
    /// <summary>Magic, version, little-endian header length (2 bytes for 1.x, else 4), the dict text, then the data.</summary>
    public static byte[] Build(string dict, byte[] data, int major = 1)
    {
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + "\n");
        int lengthSize = major == 1 ? 2 : 4;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var length = new byte[lengthSize];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)text.Length);
        bytes.AddRange(length);
        bytes.AddRange(text);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static string Header(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    public static byte[] BigEndianFloats(params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(i * 4), values[i]);
        return data;
    }

    public static byte[] LittleEndianDoubles(params double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
        return data;
    }

    public static D2Sharp.IO.NpyArray Read(byte[] file, string name = "test.npy") =>
        D2Sharp.IO.Npy.Read(new MemoryStream(file), name);
}
