using System.IO.Compression;

namespace D2Sharp.Weights;

/// <summary>
/// The records of a PyTorch zip checkpoint (<c>torch.save</c>'s format since PyTorch 1.6): every entry
/// lies in one folder, <c>&lt;archive&gt;/</c>, that holds <c>data.pkl</c>, one <c>data/&lt;key&gt;</c> per
/// storage, <c>version</c> and, since PyTorch 2.1, <c>byteorder</c>. The central directory is checked
/// before any entry is read: each entry inside the folder, named once, and no larger than the whole
/// file (torch stores entries uncompressed, so a larger one is a lie meant to exhaust memory).
/// </summary>
internal sealed class TorchZipArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly string _path;
    private readonly Dictionary<string, ZipArchiveEntry> _records;
    private readonly Dictionary<string, byte[]> _storages = new(StringComparer.Ordinal);

    private TorchZipArchive(ZipArchive zip, string path, string prefix, Dictionary<string, ZipArchiveEntry> records)
    {
        _zip = zip;
        _path = path;
        Prefix = prefix;
        _records = records;
    }

    /// <summary>The archive's folder (the file's stem when torch wrote it, or <c>archive</c>).</summary>
    public string Prefix { get; }

    /// <summary>Opens <paramref name="file"/> (taking ownership) and checks its directory.</summary>
    /// <exception cref="CheckpointException">Not a zip archive, or an entry that breaks the rules above.</exception>
    public static TorchZipArchive Open(string path, FileStream file)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            file.Dispose();
            throw new CheckpointException(path,
                $"is not a zip archive, so not a PyTorch checkpoint ({e.Message}); only .pkl files are read as plain pickles, and torch.save's pre-1.6 format is not supported", e);
        }
        try
        {
            string prefix = FindPrefix(zip, path);
            return new TorchZipArchive(zip, path, prefix, IndexRecords(zip, path, prefix + "/", file.Length));
        }
        catch (InvalidDataException e)
        {
            // The central directory is read lazily, on the first look at the entries (found by fuzzing).
            zip.Dispose();
            throw new CheckpointException(path, $"is not a readable zip archive: {e.Message}", e);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>Whether the archive holds <c>&lt;archive&gt;/<paramref name="record"/></c>.</summary>
    public bool Contains(string record) => _records.ContainsKey(record);

    /// <summary>Reads one record whole (its size already checked against the file).</summary>
    public byte[] Read(string record)
    {
        if (!_records.TryGetValue(record, out var entry))
            throw new CheckpointException(_path, $"has no '{Prefix}/{record}' record, so it is not a PyTorch checkpoint");
        try
        {
            var bytes = new byte[entry.Length];
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0)
                throw new CheckpointException(_path, $"zip entry '{entry.FullName}' holds more than the {entry.Length} bytes it declares");
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CheckpointException(_path, $"zip entry '{entry.FullName}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The bytes of storage <paramref name="key"/> (<c>data/&lt;key&gt;</c>), read once and shared by every view of it.</summary>
    public byte[] ReadStorage(string key)
    {
        if (!_storages.TryGetValue(key, out var bytes))
            _storages[key] = bytes = Read("data/" + key);
        return bytes;
    }

    /// <summary>The declared size of a record, without reading it.</summary>
    public long RecordLength(string record) => _records[record].Length;

    /// <summary>The declared size of storage <paramref name="key"/>, without reading it.</summary>
    public long StorageLength(string key) =>
        _records.TryGetValue("data/" + key, out var entry)
            ? entry.Length
            : throw new CheckpointException(_path, $"refers to storage '{key}', but the archive has no '{Prefix}/data/{key}' record");

    public void Dispose() => _zip.Dispose();

    private static string FindPrefix(ZipArchive zip, string path)
    {
        if (zip.Entries.Count == 0) throw new CheckpointException(path, "is an empty zip archive, not a PyTorch checkpoint");
        string first = zip.Entries[0].FullName;
        int slash = first.IndexOf('/');
        if (slash <= 0)
            throw new CheckpointException(path, $"zip entry '{first}' is not inside a folder, as every record of a PyTorch checkpoint is");
        return first[..slash];
    }

    private static Dictionary<string, ZipArchiveEntry> IndexRecords(ZipArchive zip, string path, string prefix, long fileLength)
    {
        var records = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName;
            string record = name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : "";
            if (record.Length == 0 || record.Contains('\\') || record.Split('/').Any(part => part is "" or "." or ".."))
                throw new CheckpointException(path, $"zip entry '{name}' is outside the archive folder '{prefix}'");
            if (entry.Length > fileLength)
                throw new CheckpointException(path, $"zip entry '{name}' declares {entry.Length} bytes, more than the whole file ({fileLength} bytes)");
            if (!records.TryAdd(record, entry))
                throw new CheckpointException(path, $"zip entry '{name}' appears twice");
        }
        return records;
    }
}
