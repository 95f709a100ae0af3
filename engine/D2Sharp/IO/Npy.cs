namespace D2Sharp.IO;

/// <summary>
/// Reads and writes numpy's <c>.npy</c> format, the interchange format with PyTorch and Detectron2
/// (reference inputs, expected outputs). Reading accepts every plain numeric dtype in either byte
/// order and memory order; object (pickled) arrays are refused, never unpickled. Writing produces
/// the same bytes as <c>np.save</c> of a float32 C-order array.
/// </summary>
public static class Npy
{
    /// <summary>Reads one array; I/O errors (missing file) propagate unchanged.</summary>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads one array from the current position and leaves the stream just after its data.</summary>
    /// <param name="stream">Positioned at the magic; need not be seekable.</param>
    /// <param name="name">Names the source in error messages (a path, or "file.npz (array 'x')").</param>
    public static NpyArray Read(Stream stream, string name) => Read(stream, name, stream.CanSeek ? stream.Length - stream.Position : null);

    /// <summary>
    /// Reads one array; when <paramref name="available"/> bytes are known, a header promising more
    /// data than that is rejected before anything is allocated.
    /// </summary>
    internal static NpyArray Read(Stream stream, string name, long? available)
    {
        var header = NpyHeader.Read(stream, name, out long preambleLength);
        var dtype = NpyDType.Parse(header.Descr, problem => new NpyFormatException($"{name}: {problem}"));

        long byteCount = dtype.ByteCount(header.Shape);
        if (byteCount > Array.MaxLength)
            throw new NpyFormatException($"{name}: shape {Tensor.ShapeString(header.Shape)} of '{header.Descr}' is too large to load");
        if (available is long known)
        {
            long remaining = known - preambleLength;
            if (byteCount > remaining)
                throw new NpyFormatException($"{name}: truncated file: shape {Tensor.ShapeString(header.Shape)} of '{header.Descr}' needs {byteCount} data bytes but only {Math.Max(0, remaining)} remain");
        }
        string what = $"data of shape {Tensor.ShapeString(header.Shape)} '{header.Descr}'";
        byte[] data = available.HasValue
            ? ReadKnown(stream, (int)byteCount, name, what)
            : NpyStreams.ReadGrowing(stream, (int)byteCount, name, what);
        return new NpyArray(header, dtype, data, name);
    }

    private static byte[] ReadKnown(Stream stream, int byteCount, string name, string what)
    {
        var data = new byte[byteCount];
        NpyStreams.ReadExactly(stream, data, name, what);
        return data;
    }

    /// <summary>
    /// Writes <paramref name="tensor"/> in its own dtype (<c>&lt;f4</c>, <c>&lt;i8</c>, <c>|u1</c>…), C order
    /// (format 1.0, or 2.0 for a very long header). The bytes are copied as they are in memory:
    /// D2Sharp runs on little-endian hosts only.
    /// </summary>
    public static void Write(string path, Tensor tensor)
    {
        using var stream = File.Create(path);
        Write(stream, tensor);
    }

    /// <inheritdoc cref="Write(string, Tensor)"/>
    public static void Write(Stream stream, Tensor tensor)
    {
        stream.Write(NpyHeader.Encode(tensor.Type.NumpyDescr(), tensor.Shape));
        stream.Write(tensor.Bytes);
    }
}
