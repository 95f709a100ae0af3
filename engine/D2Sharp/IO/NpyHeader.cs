using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using D2Sharp.Config.Python;

namespace D2Sharp.IO;

/// <summary>
/// The preamble of a <c>.npy</c> file: magic <c>\x93NUMPY</c>, version (1.0, 2.0 or 3.0), header
/// length (2 bytes in 1.0, 4 bytes after) and a Python dict literal with exactly the keys
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>. Reading follows numpy's
/// <c>lib/format.py</c>, which reads the dict with <c>ast.literal_eval</c>: so does this, with
/// D2Sharp's one Python literal parser (<see cref="PyLiteralEvaluator.EvaluateData"/>), which only
/// parses, never runs anything. Writing reproduces the bytes <c>np.save</c> writes for a C-order
/// array.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy aligns the start of the data to this many bytes.</summary>
    private const int ArrayAlign = 64;

    /// <summary>numpy leaves room after the dict so the growth axis can reach this many digits in place.</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>A sanity bound on the dict's length, far above anything numpy writes, so garbage cannot make us allocate gigabytes.</summary>
    private const int MaxHeaderLength = 1 << 24;

    private static readonly string[] ExpectedKeys = ["descr", "fortran_order", "shape"];

    /// <summary>Reads the preamble and leaves <paramref name="stream"/> at the first data byte.</summary>
    /// <param name="stream">Positioned at the magic.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <param name="available">Bytes the source holds from the magic on, when known: a longer header is refused before it is allocated.</param>
    /// <param name="preambleLength">How many bytes the preamble took (magic, version, length, dict).</param>
    public static NpyHeader Read(Stream stream, string source, long? available, out long preambleLength)
    {
        Span<byte> prefix = stackalloc byte[8];
        NpyStreams.ReadExactly(stream, prefix, source, "magic and version");
        if (!prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException($"{source}: not a .npy file (the first bytes are not the \\x93NUMPY magic)");
        int major = prefix[6], minor = prefix[7];
        if (minor != 0 || major is not (1 or 2 or 3))
            throw new NpyFormatException($"{source}: unsupported .npy format version {major}.{minor}; supported: 1.0, 2.0, 3.0");

        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        NpyStreams.ReadExactly(stream, lengthBytes, source, "header length");
        long length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (length > MaxHeaderLength)
            throw new NpyFormatException($"{source}: header length {length} is implausibly large");

        preambleLength = prefix.Length + lengthBytes.Length + length;
        if (available is long known && preambleLength > known)
            throw new NpyFormatException($"{source}: truncated file: the header declares {length} bytes but only {Math.Max(0, known - prefix.Length - lengthBytes.Length)} remain");
        // A zip member's available length is only its entry's claim: grow the buffer as bytes arrive.
        byte[] headerBytes = NpyStreams.ReadGrowing(stream, (int)length, source, "header");
        // Versions 1.0 and 2.0 store the dict in latin-1, 3.0 in UTF-8.
        string text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        return FromDict(text, source);
    }

    private static NpyHeader FromDict(string text, string source)
    {
        object? parsed;
        try
        {
            parsed = PyLiteralEvaluator.EvaluateData(text);
        }
        catch (PythonExpressionException e)
        {
            throw new NpyFormatException($"{source}: malformed header {Quote(text)}: {e.Message}", e);
        }
        if (parsed is not PyDictValue literal)
            throw new NpyFormatException($"{source}: header {Quote(text)} is not a dict");
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in literal.Entries)
        {
            if (key is not string name) throw Malformed(source, text, $"dict key {key ?? "None"} is not a string");
            // Python would keep the last value; a header that says two things is refused instead.
            if (!dict.TryAdd(name, value)) throw Malformed(source, text, $"duplicate key '{name}'");
        }
        if (dict.Count != ExpectedKeys.Length || !ExpectedKeys.All(dict.ContainsKey))
            throw new NpyFormatException($"{source}: header keys [{string.Join(", ", dict.Keys)}] must be exactly [{string.Join(", ", ExpectedKeys)}]");

        string descr = dict["descr"] switch
        {
            string s => s,
            List<object?> => throw new NpyFormatException($"{source}: structured (record) dtypes are not supported; supported: {NpyDType.Supported}"),
            var other => throw new NpyFormatException($"{source}: 'descr' must be a string, not {Quote(other?.ToString() ?? "None")}"),
        };
        if (dict["fortran_order"] is not bool fortran)
            throw new NpyFormatException($"{source}: 'fortran_order' must be True or False");
        if (dict["shape"] is not PyTupleValue shapeTuple)
            throw new NpyFormatException($"{source}: 'shape' must be a tuple of integers");
        var shape = new int[shapeTuple.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeTuple.Items[i] is not long dim || dim < 0 || dim > int.MaxValue)
                throw new NpyFormatException($"{source}: shape entry {i} ({shapeTuple.Items[i] ?? "None"}) is not a dimension in [0, {int.MaxValue}]");
            shape[i] = (int)dim;
        }
        return new NpyHeader(descr, fortran, shape);
    }

    /// <summary>
    /// The complete preamble numpy writes for a C-order array of this descr and shape:
    /// version 1.0 unless the header no longer fits its 2-byte length, then 2.0.
    /// </summary>
    public static byte[] Encode(string descr, IReadOnlyList<int> shape)
    {
        string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + TupleRepr(shape) + ", }";
        if (shape.Count > 0)
            dict += new string(' ', Math.Max(0, GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        return TryWrap(dict, major: 1) ?? TryWrap(dict, major: 2)!;
    }

    /// <summary>numpy's <c>_wrap_header</c>: pad with spaces and a newline so the data starts 64-byte aligned.</summary>
    private static byte[]? TryWrap(string dict, int major)
    {
        int lengthSize = major == 1 ? 2 : 4;
        byte[] text = Encoding.Latin1.GetBytes(dict);
        int withNewline = text.Length + 1;
        int pad = ArrayAlign - ((Magic.Length + 2 + lengthSize + withNewline) % ArrayAlign);
        int headerLength = withNewline + pad;
        if (major == 1 && headerLength > ushort.MaxValue) return null;

        var bytes = new byte[Magic.Length + 2 + lengthSize + headerLength];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        var lengthField = bytes.AsSpan(8, lengthSize);
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(lengthField, (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(lengthField, (uint)headerLength);
        int start = 8 + lengthSize;
        text.CopyTo(bytes, start);
        bytes.AsSpan(start + text.Length, pad).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Python's <c>repr</c> of a tuple of ints: <c>()</c>, <c>(5,)</c>, <c>(1, 3)</c>.</summary>
    private static string TupleRepr(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    private static NpyFormatException Malformed(string source, string text, string problem) =>
        new($"{source}: malformed header {Quote(text)}: {problem}");

    private static string Quote(string text) => text.Length <= 200 ? $"\"{text.Trim()}\"" : $"\"{text[..200]}...\"";
}
