using System.IO.Compression;

namespace D2Sharp.Tests.Weights;

/// <summary>Writes PyTorch zip checkpoints as <c>torch.save</c> lays them out: <c>&lt;prefix&gt;/data.pkl</c>, <c>data/&lt;key&gt;</c>, <c>version</c>.</summary>
internal static class TestTorchZip
{
    /// <param name="dataPkl">The pickle (see <see cref="TestPickle.TorchTensor"/>).</param>
    /// <param name="storages">Storage key → raw little-endian bytes.</param>
    /// <param name="extra">More records, by name relative to the prefix (or absolute, to test entries outside it).</param>
    public static string Write(byte[] dataPkl, IReadOnlyDictionary<string, byte[]>? storages = null,
        IReadOnlyDictionary<string, byte[]>? extra = null, string prefix = "archive", string name = "checkpoint.pth")
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, prefix + "/data.pkl", dataPkl);
            foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>())
                Add(zip, $"{prefix}/data/{key}", bytes);
            Add(zip, prefix + "/version", "3\n"u8.ToArray());
            foreach (var (record, bytes) in extra ?? new Dictionary<string, byte[]>())
                Add(zip, record.StartsWith('/') ? record[1..] : $"{prefix}/{record}", bytes);
        }
        return TempPickleFiles.Write(memory.ToArray(), name);
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        // torch stores every record uncompressed.
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }
}
