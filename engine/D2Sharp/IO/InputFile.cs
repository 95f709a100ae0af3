namespace D2Sharp.IO;

/// <summary>
/// Opens files named by users, turning the ways a path can be wrong (missing, a directory, no
/// permission, another I/O failure) into the caller's typed exception with a plain reason, so a
/// loader never lets an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> escape.
/// </summary>
internal static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="error">Makes the caller's exception from the reason (e.g. "file not found") and the I/O exception behind it, if any.</param>
    public static FileStream OpenRead(string path, Func<string, Exception?, Exception> error)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw error(Reason(path, e), e);
        }
    }

    /// <summary>Reads all of <paramref name="path"/>; a file too long for one array is refused the same way.</summary>
    public static byte[] ReadAllBytes(string path, Func<string, Exception?, Exception> error)
    {
        using var stream = OpenRead(path, error);
        return ReadToEnd(stream, error);
    }

    /// <summary>Reads an opened file whole (its size checked by the caller against its own limits); failures go through <paramref name="error"/>.</summary>
    public static byte[] ReadToEnd(FileStream stream, Func<string, Exception?, Exception> error)
    {
        try
        {
            if (stream.Length > Array.MaxLength)
                throw error($"the file is {stream.Length} bytes, more than one array holds", null);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (IOException e)
        {
            throw error($"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Why opening failed, in words: .NET reports a directory as "access denied" on Unix.</summary>
    private static string Reason(string path, Exception e) => e switch
    {
        _ when Directory.Exists(path) => "is a directory, not a file",
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException => "permission denied",
        _ => $"cannot open the file: {e.Message}",
    };
}
