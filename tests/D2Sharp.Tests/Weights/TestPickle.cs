using System.Buffers.Binary;
using System.Text;

namespace D2Sharp.Tests.Weights;

/// <summary>A numpy array to pickle: dtype descriptor (<c>"f4"</c>), byte order, shape, raw data.</summary>
internal sealed record TestArray(string Descriptor, char ByteOrder, int[] Shape, byte[] Data, bool Fortran = false)
{
    public static TestArray Float32(int[] shape, params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        return new TestArray("f4", '<', shape, data);
    }

    /// <summary>A float32 array of the given shape whose elements are <paramref name="seed"/> + 0.5·index.</summary>
    public static TestArray Ramp(int[] shape, float seed)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        return Float32(shape, Enumerable.Range(0, count).Select(i => seed + 0.5f * i).ToArray());
    }
}

/// <summary>
/// Writes pickles opcode by opcode, the way CPython's pickler writes numpy checkpoints
/// (protocol 2: GLOBAL and <c>_codecs.encode</c>; protocol 4: STACK_GLOBAL and BINBYTES), and
/// lets a test append raw opcodes to build hostile files.
/// </summary>
internal sealed class TestPickle
{
    private readonly MemoryStream _out = new();

    /// <param name="protocol">Pickle protocol (2 or 4 in these tests).</param>
    /// <param name="python2">Write strings and bytes as Python 2 did: BINSTRING (a latin-1 str), numpy.dtype flags as ints.</param>
    public TestPickle(int protocol, bool python2 = false)
    {
        Protocol = protocol;
        Python2 = python2;
        Op(0x80).Byte((byte)protocol);
    }

    public int Protocol { get; }
    public bool Python2 { get; }

    /// <summary>A whole pickle of <paramref name="value"/> (see <see cref="Value"/> for what it may hold).</summary>
    public static byte[] Of(object? value, int protocol, bool python2 = false) =>
        new TestPickle(protocol, python2).Value(value).Stop();

    public TestPickle Op(byte opcode) => Byte(opcode);
    public TestPickle Op(char opcode) => Byte((byte)opcode);

    public TestPickle Byte(byte b)
    {
        _out.WriteByte(b);
        return this;
    }

    public TestPickle Raw(byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public TestPickle Line(string text) => Raw(Encoding.UTF8.GetBytes(text + "\n"));

    public TestPickle Text(string text)
    {
        if (Python2) return BinString(Encoding.Latin1.GetBytes(text));
        var utf8 = Encoding.UTF8.GetBytes(text);
        if (Protocol >= 4 && utf8.Length < 256) return Op(0x8c).Byte((byte)utf8.Length).Raw(utf8);
        return Op('X').Int32(utf8.Length).Raw(utf8);
    }

    public TestPickle Int(int value) => Op('J').Int32(value);

    /// <summary>A Python 2 <c>str</c>: SHORT_BINSTRING or BINSTRING.</summary>
    public TestPickle BinString(byte[] data) =>
        data.Length < 256 ? Op('U').Byte((byte)data.Length).Raw(data) : Op('T').Int32(data.Length).Raw(data);

    public TestPickle Bool(bool value) => Op(value ? (byte)0x88 : (byte)0x89);

    public TestPickle Global(string module, string name) =>
        Protocol >= 4 ? Text(module).Text(name).Op(0x93) : Op('c').Line(module).Line(name);

    /// <summary>Bytes as the pickler writes them: BINBYTES from protocol 3, <c>_codecs.encode(latin1 str, 'latin1')</c> before.</summary>
    public TestPickle Bytes(byte[] data)
    {
        if (Python2) return BinString(data);
        if (Protocol >= 3) return Op('B').Int32(data.Length).Raw(data);
        return Global("_codecs", "encode").Text(Encoding.Latin1.GetString(data)).Text("latin1").Op(0x86).Op('R');
    }

    /// <summary><c>_reconstruct(ndarray, (0,), b'b')</c>, then BUILD with <c>(1, shape, dtype, is_fortran, data)</c>.</summary>
    public TestPickle Array(TestArray array)
    {
        Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray");
        Op('K').Byte(0).Op(0x85).Bytes("b"u8.ToArray()).Op(0x87).Op('R');
        Op('(').Op('K').Byte(1);
        Op('(');
        foreach (int d in array.Shape) Int(d);
        Op('t');
        Global("numpy", "dtype").Text(array.Descriptor);
        if (Python2) Int(0).Int(1);
        else Bool(false).Bool(true);
        Op(0x87).Op('R');
        Op('(').Op('K').Byte(3).Text(array.ByteOrder.ToString()).Op('N').Op('N').Op('N').Int(-1).Int(-1).Op('K').Byte(0).Op('t').Op('b');
        Bool(array.Fortran).Bytes(array.Data).Op('t').Op('b');
        return this;
    }

    /// <summary>
    /// A tensor as <c>torch.save</c> pickles it: <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c>,
    /// the storage a persistent id <c>('storage', torch.&lt;storageType&gt;, key, 'cpu', numel)</c>.
    /// </summary>
    public TestPickle TorchTensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Op('(');
        Op('(').Text("storage").Global("torch", storageType).Text(key).Text("cpu").Long(numel).Op('t').Op('Q');
        Long(offset).IntTuple(size).IntTuple(stride).Bool(false).Global("collections", "OrderedDict").Op(')').Op('R');
        return Op('t').Op('R');
    }

    /// <summary>An int of any size: BININT when it fits, else LONG1.</summary>
    public TestPickle Long(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue) return Int((int)value);
        return Op(0x8a).Byte(8).Raw(BitConverter.GetBytes(value));
    }

    public TestPickle IntTuple(long[] values)
    {
        Op('(');
        foreach (long v in values) Long(v);
        return Op('t');
    }

    /// <summary>null, bool, int, string, <see cref="TestArray"/>, or an ordered list of key/value pairs (a dict).</summary>
    public TestPickle Value(object? value)
    {
        switch (value)
        {
            case null: return Op('N');
            case bool b: return Bool(b);
            case int i: return Int(i);
            case string s: return Text(s);
            case TestArray a: return Array(a);
            case IEnumerable<KeyValuePair<string, object?>> dict:
                Op('}').Op('(');
                foreach (var (k, v) in dict) Text(k).Value(v);
                return Op('u');
            default: throw new ArgumentException($"cannot pickle {value.GetType()}");
        }
    }

    public byte[] Stop()
    {
        Op('.');
        return _out.ToArray();
    }

    private TestPickle Int32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Raw(b.ToArray());
    }
}

/// <summary>Temporary files for pickles written by tests, removed when the test run ends.</summary>
internal static class TempPickleFiles
{
    private static readonly string Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "d2sharp-weights-tests-" + Environment.ProcessId);

    public static string Write(byte[] bytes, string name = "checkpoint.pkl")
    {
        string dir = System.IO.Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static void DeleteAll()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

[SetUpFixture]
public sealed class TempPickleCleanup
{
    [OneTimeTearDown]
    public void RemoveTempFiles() => TempPickleFiles.DeleteAll();
}
