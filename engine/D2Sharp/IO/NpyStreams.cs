namespace D2Sharp.IO;

/// <summary>Stream reads that turn a short file into an <see cref="NpyFormatException"/> naming what was cut off.</summary>
internal static class NpyStreams
{
    public static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
                throw new NpyFormatException($"{source}: truncated file: the {what} needs {buffer.Length} bytes but only {total} remain");
            total += n;
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes into a new array, for a source already known to hold them.</summary>
    public static byte[] ReadKnown(Stream stream, int count, string source, string what)
    {
        var bytes = new byte[count];
        ReadExactly(stream, bytes, source, what);
        return bytes;
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes from a stream of unknown length, growing the buffer as
    /// data actually arrives, so a header that lies about the size cannot make us allocate it up front.
    /// </summary>
    public static byte[] ReadGrowing(Stream stream, int count, string source, string what)
    {
        const int initialCapacity = 1 << 20;
        var buffer = new byte[Math.Min(count, initialCapacity)];
        int total = 0;
        while (total < count)
        {
            if (total == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
                throw new NpyFormatException($"{source}: truncated file: the {what} needs {count} bytes but only {total} remain");
            total += n;
        }
        return buffer;
    }
}
