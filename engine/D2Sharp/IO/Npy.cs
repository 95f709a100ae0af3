namespace D2Sharp.IO;

/// <summary>
/// Reads and writes numpy's <c>.npy</c> format, the interchange format with PyTorch and Detectron2
/// (reference inputs, expected outputs). Reading accepts every plain numeric dtype in either byte
/// order and memory order; object (pickled) arrays are refused, never unpickled. Writing produces
/// the same bytes as <c>np.save</c> of a float32 C-order array.
/// </summary>
public static class Npy
{
    /// <summary>Reads one array.</summary>
    /// <exception cref="NpyFormatException">A missing, unreadable or directory path, or a malformed, truncated or unsupported file; the message names <paramref name="path"/>.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = InputFile.OpenRead(path, (reason, inner) => new NpyFormatException($"{path}: {reason}", inner!));
        return Read(stream, path);
    }

    /// <summary>Reads one array from the current position and leaves the stream just after its data.</summary>
    /// <param name="stream">Positioned at the magic; need not be seekable.</param>
    /// <param name="name">Names the source in error messages (a path, or "file.npz (array 'x')").</param>
    /// <exception cref="NpyFormatException">A malformed, truncated or unsupported array; the message names <paramref name="name"/>.</exception>
    public static NpyArray Read(Stream stream, string name) =>
        stream.CanSeek ? Read(stream, name, stream.Length - stream.Position, trustAvailable: true) : Read(stream, name, null, trustAvailable: false);

    /// <summary>
    /// Reads one array. A header (or array) promising more bytes than <paramref name="available"/>
    /// is rejected before anything is allocated. Only when <paramref name="trustAvailable"/> (the
    /// bytes are really there, as in a file) is the array allocated in one piece; otherwise it grows
    /// as data arrives, so a source that merely claims a size (a zip entry's header) cannot make us
    /// allocate it.
    /// </summary>
    internal static NpyArray Read(Stream stream, string name, long? available, bool trustAvailable)
    {
        var header = NpyHeader.Read(stream, name, available, out long preambleLength);
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
        byte[] data = available.HasValue && trustAvailable
            ? NpyStreams.ReadKnown(stream, (int)byteCount, name, what)
            : NpyStreams.ReadGrowing(stream, (int)byteCount, name, what);
        return new NpyArray(header, dtype, data, name);
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
