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
    /// Reads every array, keyed by member name without <c>.npy</c>, in archive order. Directory
    /// entries are skipped; any other member that is not a <c>.npy</c> is an error, since it cannot
    /// be returned as an array. I/O errors (missing file) propagate unchanged.
    /// </summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var file = File.OpenRead(path);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException($"{path}: not an .npz file (not a readable zip archive: {e.Message})", e);
        }
        using (zip)
        {
            var arrays = new OrderedDictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
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
        try
        {
            using var stream = entry.Open();
            return Npy.Read(stream, source, entry.Length);
        }
        catch (InvalidDataException e)
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
