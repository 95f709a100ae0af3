using System.IO.Compression;

namespace D2Sharp.IO;

/// <summary>
/// numpy's <c>.npz</c>: a zip archive with one <c>.npy</c> member per array, named
/// <c>&lt;key&gt;.npy</c>, stored (<c>np.savez</c>) or deflated (<c>np.savez_compressed</c>).
/// </summary>
public static class Npz
{
    private const string MemberSuffix = ".npy";

    /// <summary>
    /// The most deflate can expand data: a 258-byte match costs at least two bits, so about 1032:1.
    /// A member declaring more than this many bytes per compressed byte is a zip bomb or a lie.
    /// </summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// Reads every array, keyed by member name without <c>.npy</c>, in archive order. Directory
    /// entries are skipped; any other member that is not a <c>.npy</c> is an error, since it cannot
    /// be returned as an array. Archives are untrusted: a member's declared sizes are checked against
    /// each other and its array, memory grows only as decompressed data arrives, and nothing past
    /// the declared size is read, so a zip bomb costs no more than the arrays it really holds.
    /// </summary>
    /// <exception cref="NpyFormatException">A missing, unreadable or directory path; not a zip archive; a corrupt, truncated or oversized member; the message names the file and the array.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var file = InputFile.OpenRead(path, (reason, inner) => new NpyFormatException($"{path}: {reason}", inner!));
        ZipArchive zip;
        IReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
            // The central directory is read here, on first access, and can be as broken as the rest.
            entries = zip.Entries;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new NpyFormatException($"{path}: not an .npz file (not a readable zip archive: {e.Message})", e);
        }
        using (zip)
        {
            var arrays = new OrderedDictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                if (!entry.FullName.EndsWith(MemberSuffix, StringComparison.Ordinal))
                    throw new NpyFormatException($"{path}: member '{entry.FullName}' is not a .npy array");
                string key = entry.FullName[..^MemberSuffix.Length];
                string source = $"{path} (array '{key}')";
                if (arrays.ContainsKey(key))
                    throw new NpyFormatException($"{source}: the archive holds this array twice");
                arrays.Add(key, ReadMember(entry, source));
            }
            return arrays;
        }
    }

    private static NpyArray ReadMember(ZipArchiveEntry entry, string source)
    {
        if (entry.Length > entry.CompressedLength * MaxDeflateRatio)
            throw new NpyFormatException($"{source}: the zip entry declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes, more than deflate can produce (a zip bomb?)");
        try
        {
            using var stream = entry.Open();
            // The declared length bounds what is read; it is only a claim, so it is not allocated up front.
            return Npy.Read(stream, source, entry.Length, trustAvailable: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new NpyFormatException($"{source}: corrupt zip member: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes the arrays as C-order members in their own dtypes, uncompressed like <c>np.savez</c>, in the
    /// order given.
    /// </summary>
    /// <exception cref="ArgumentException">A key is empty or appears twice.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays)
    {
        var pending = arrays.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in pending)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("an .npz array name must not be empty", nameof(arrays));
            if (!seen.Add(key)) throw new ArgumentException($"array '{key}' is given twice", nameof(arrays));
        }

        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (key, tensor) in pending)
        {
            var entry = zip.CreateEntry(key + MemberSuffix, CompressionLevel.NoCompression);
            using var stream = entry.Open();
            Npy.Write(stream, tensor);
        }
    }
}
