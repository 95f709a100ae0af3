using System.Collections;
using System.Globalization;
using System.Text;

namespace D2Sharp.Weights;

/// <summary>
/// Loads a PyTorch zip checkpoint as Detectron2 loads any file not named <c>.pkl</c>: fvcore's
/// <c>torch.load</c>, then <c>if "model" not in loaded: loaded = {"model": loaded}</c> and
/// <c>loaded["matching_heuristics"] = True</c>. Only <c>"model"</c> is decoded; the rest of a training
/// checkpoint has passed the opcode scan and is left as unpickled.
/// </summary>
internal static class TorchZipCheckpoint
{
    public static Checkpoint Load(string path, FileStream file, CheckpointLimits limits)
    {
        using var archive = TorchZipArchive.Open(path, file);
        bool littleEndian = ReadByteOrder(archive, path);
        CheckVersion(archive, path);

        string pickleName = archive.Prefix + "/data.pkl";
        byte[] pickle = archive.Read("data.pkl");
        PickleOpcodeScanner.Scan(pickle, path, limits, PickleDialect.TorchZip, pickleName);
        object? root = CheckpointLoader.Unpickle(pickle, path, new TorchZipUnpickler());
        if (root is not Hashtable top)
            throw new CheckpointException(path, $"'{pickleName}' holds {CheckpointLoader.PythonTypeName(root)}, expected a dict");

        // A training checkpoint keeps the weights under "model"; a plain state dict is the model itself,
        // and then its "__author__" (if any) is a weight name Detectron2 never reads as the author.
        bool wrapped = top.ContainsKey("model");
        var model = wrapped
            ? top["model"] as Hashtable ?? throw new CheckpointException(path, $"\"model\" is {CheckpointLoader.PythonTypeName(top["model"])}, expected a dict of tensors")
            : top;
        string? author = wrapped ? CheckpointLoader.AuthorOf(top) : null;
        var tensors = DecodeModel(model, archive, littleEndian, path);
        return CheckpointLoader.Assemble(path, CheckpointFormat.PyTorch, author, heuristics: true, tensors);
    }

    /// <summary>
    /// Every entry must be a tensor (or a numpy array), as fvcore's <c>_convert_ndarray_to_tensor</c>
    /// requires ("Unsupported type found in checkpoint").
    /// </summary>
    private static Dictionary<string, Tensor> DecodeModel(Hashtable model, TorchZipArchive archive, bool littleEndian, string path)
    {
        var tensors = new Dictionary<string, Tensor>(model.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in model)
        {
            string key = entry.Key as string
                ?? throw new CheckpointException(path, $"model key {CheckpointLoader.PythonTypeName(entry.Key)} is not a string");
            tensors[key] = entry.Value switch
            {
                PickledTorchTensor tensor => TorchTensorDecoder.ToTensor(tensor, key, archive, littleEndian, path),
                PickledNumpyArray array => NumpyArrayDecoder.ToTensor(array, key, path),
                var other => throw new CheckpointException(path, $"model entry '{key}' is {CheckpointLoader.PythonTypeName(other)}, not a tensor"),
            };
        }
        return tensors;
    }

    /// <summary>The <c>byteorder</c> record (PyTorch 2.1+); older files were written little-endian.</summary>
    private static bool ReadByteOrder(TorchZipArchive archive, string path)
    {
        if (!archive.Contains("byteorder")) return true;
        return ReadSmallRecord(archive, "byteorder", path) switch
        {
            "little" => true,
            "big" => false,
            var other => throw new CheckpointException(path, $"'{archive.Prefix}/byteorder' is '{other}', expected 'little' or 'big'"),
        };
    }

    /// <summary>The <c>version</c> record, when present, is the archive format's number (3 for every <c>torch.save</c> since 1.6).</summary>
    private static void CheckVersion(TorchZipArchive archive, string path)
    {
        if (!archive.Contains("version")) return;
        string version = ReadSmallRecord(archive, "version", path);
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new CheckpointException(path, $"'{archive.Prefix}/version' is not a format number");
    }

    /// <summary>A short text record; a long one is not what torch writes and is not read.</summary>
    private static string ReadSmallRecord(TorchZipArchive archive, string record, string path)
    {
        const int longest = 64;
        if (archive.RecordLength(record) > longest)
            throw new CheckpointException(path, $"'{archive.Prefix}/{record}' is longer than {longest} bytes");
        return Encoding.ASCII.GetString(archive.Read(record)).Trim();
    }
}
