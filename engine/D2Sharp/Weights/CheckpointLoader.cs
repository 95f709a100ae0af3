using System.Collections;
using System.Globalization;
using D2Sharp.IO;
using Razorvine.Pickle;

namespace D2Sharp.Weights;

/// <summary>
/// Reads a checkpoint the way Detectron2's <c>DetectionCheckpointer._load_file</c> does, but safely:
/// a <c>.pkl</c> (Detectron2 model zoo, Caffe2/MSRA) is a pickle of numpy arrays; any other name is a
/// PyTorch zip checkpoint (<c>.pth</c>, <c>.pt</c>: <c>torch.save</c> of a state dict or of a training
/// checkpoint). Every pickle is scanned first and refused unless it names only the globals its kind
/// needs (<see cref="PickleOpcodeScanner"/>) and stays within <see cref="CheckpointLimits"/>, and only
/// then unpickled with Razorvine.Pickle.
/// </summary>
public static class CheckpointLoader
{
    private const string Caffe2Author = "Caffe2";

    /// <summary>
    /// Loads <paramref name="path"/>, deciding by its name as Detectron2 does.
    /// <para>A <c>.pkl</c>: a dict with both <c>"model"</c> and <c>"__author__"</c> is Detectron2 format;
    /// anything else is Caffe2 (blobs at top level or under <c>"blobs"</c>, <c>*_momentum</c> dropped,
    /// names converted by Detectron2's C2 rules, matching heuristics on). Pickle protocols 2 to 5
    /// (protocol 5's in-band buffers included).</para>
    /// <para>Any other name: a PyTorch zip checkpoint. Its <c>"model"</c> entry holds the weights, or,
    /// when there is none, the whole dict does (a plain state dict); the rest of a training checkpoint
    /// (<c>"optimizer"</c>, <c>"scheduler"</c>, <c>"iteration"</c>) is scanned but not converted.
    /// Matching heuristics are always on, and a <c>"__author__"</c> of "Caffe2" renames as for <c>.pkl</c>.</para>
    /// Every weight must be a numeric array or tensor (as fvcore requires); it becomes float32.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="limits">Bounds checked before anything is allocated; <see cref="CheckpointLimits.Default"/> when null.</param>
    /// <exception cref="CheckpointException">
    /// Missing or unreadable file, a directory, unsafe or corrupt pickle or zip archive, a limit exceeded, unexpected layout.
    /// </exception>
    public static Checkpoint Load(string path, CheckpointLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        limits ??= CheckpointLimits.Default;
        limits.Validate();
        var file = OpenFile(path, limits);
        // Detectron2 decides by the name alone: pickle.load for ".pkl", torch.load for the rest.
        if (!path.EndsWith(".pkl", StringComparison.Ordinal))
            return TorchZipCheckpoint.Load(path, file, limits);

        byte[] bytes;
        using (file) bytes = InputFile.ReadToEnd(file, (reason, inner) => Unreadable(path, reason, inner));
        if (bytes.AsSpan().StartsWith("PK\u0003\u0004"u8))
            throw new CheckpointException(path, "is a zip archive (a PyTorch checkpoint?), but Detectron2 reads .pkl files as plain pickles: name it .pth");
        PickleOpcodeScanner.Scan(bytes, path, limits, PickleDialect.Numpy);
        object? root = Unpickle(bytes, path, new Unpickler());
        if (root is not Hashtable top)
            throw new CheckpointException(path, $"top level is {PythonTypeName(root)}, expected a dict");

        if (top.ContainsKey("model") && top.ContainsKey("__author__"))
            return LoadDetectron2(top, path);
        return LoadCaffe2(top, path);
    }

    private static Checkpoint LoadDetectron2(Hashtable top, string path)
    {
        if (top["model"] is not Hashtable model)
            throw new CheckpointException(path, $"\"model\" is {PythonTypeName(top["model"])}, expected a dict of arrays");
        string? author = AuthorOf(top);
        bool heuristics = top.ContainsKey("matching_heuristics") && IsTruthy(top["matching_heuristics"], path);
        var tensors = DecodeArrays(model, "model", path);
        return Assemble(path, CheckpointFormat.Detectron2, author, heuristics, tensors);
    }

    /// <summary>
    /// The checkpoint as Detectron2 matches it: the C2 renaming applies whenever heuristics are on
    /// and the author says Caffe2 (<c>align_and_update_state_dicts(..., c2_conversion=...)</c>).
    /// </summary>
    internal static Checkpoint Assemble(string path, CheckpointFormat format, string? author, bool heuristics, Dictionary<string, Tensor> tensors)
    {
        if (heuristics && author == Caffe2Author)
        {
            var (renamed, originals) = Caffe2Renaming.ConvertDetectronNames(tensors, path);
            return new Checkpoint(path, format, author, heuristics, Sorted(renamed), originals);
        }
        return new Checkpoint(path, format, author, heuristics, Sorted(tensors));
    }

    /// <summary>The dict's <c>"__author__"</c>, as a string; null when absent or None.</summary>
    internal static string? AuthorOf(Hashtable top) => top["__author__"] switch
    {
        null => null,
        string s => s,
        var other => System.Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    private static Checkpoint LoadCaffe2(Hashtable top, string path)
    {
        // Detection models keep their blobs under "blobs" (next to e.g. "cfg"); ImageNet models don't.
        Hashtable blobs = top;
        if (top.ContainsKey("blobs"))
            blobs = top["blobs"] as Hashtable
                ?? throw new CheckpointException(path, $"\"blobs\" is {PythonTypeName(top["blobs"])}, expected a dict of arrays");

        var kept = new Hashtable();
        foreach (DictionaryEntry entry in blobs)
        {
            string name = entry.Key as string
                ?? throw new CheckpointException(path, $"Caffe2 blob name {PythonTypeName(entry.Key)} is not a string");
            if (!name.EndsWith("_momentum", StringComparison.Ordinal)) kept[name] = entry.Value;
        }
        var decoded = DecodeArrays(kept, "Caffe2 blob", path);
        var (tensors, originals) = Caffe2Renaming.ConvertDetectronNames(decoded, path);
        return new Checkpoint(path, CheckpointFormat.Caffe2, Caffe2Author, matchingHeuristics: true, Sorted(tensors), originals);
    }

    /// <summary>
    /// Decodes every entry. A value that is not a numpy array (an int, a string, …) is refused,
    /// as fvcore's <c>_convert_ndarray_to_tensor</c> refuses it ("Unsupported type found in checkpoint").
    /// </summary>
    private static Dictionary<string, Tensor> DecodeArrays(Hashtable entries, string what, string path)
    {
        var tensors = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in entries)
        {
            string key = entry.Key as string
                ?? throw new CheckpointException(path, $"{what} key {PythonTypeName(entry.Key)} is not a string");
            if (entry.Value is not PickledNumpyArray array)
                throw new CheckpointException(path, $"{what} entry '{key}' is {PythonTypeName(entry.Value)}, not a numpy array");
            tensors[key] = NumpyArrayDecoder.ToTensor(array, key, path);
        }
        return tensors;
    }

    /// <summary>
    /// Opens the file for reading after checking that it is one, and that its size is within
    /// <see cref="CheckpointLimits.MaxFileBytes"/>; every failure is a <see cref="CheckpointException"/>.
    /// </summary>
    private static FileStream OpenFile(string path, CheckpointLimits limits)
    {
        var file = InputFile.OpenRead(path, (reason, inner) => Unreadable(path, reason, inner));
        if (file.Length > limits.MaxFileBytes)
        {
            long length = file.Length;
            file.Dispose();
            throw new CheckpointException(path, $"refused: the file is {length} bytes, beyond CheckpointLimits.MaxFileBytes = {limits.MaxFileBytes}");
        }
        return file;
    }

    private static CheckpointException Unreadable(string path, string reason, Exception? inner) =>
        new(path, $"cannot be read: {reason}", inner!);

    /// <summary>Runs Razorvine.Pickle on a pickle the scanner has accepted; whatever it throws becomes a <see cref="CheckpointException"/>.</summary>
    internal static object? Unpickle(byte[] bytes, string path, Unpickler unpickler)
    {
        CheckpointPickleRegistration.EnsureRegistered();
        try
        {
            using (unpickler) return unpickler.loads(bytes);
        }
        catch (Exception e)
        {
            throw new CheckpointException(path, $"could not be unpickled: {Innermost(e).Message}", e);
        }
    }

    /// <summary>Python truthiness of <c>matching_heuristics</c> (bools, ints, None).</summary>
    private static bool IsTruthy(object? value, string path) => value switch
    {
        null => false,
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        _ => throw new CheckpointException(path, $"\"matching_heuristics\" is {PythonTypeName(value)}, expected a bool"),
    };

    private static SortedDictionary<string, Tensor> Sorted(Dictionary<string, Tensor> tensors) =>
        new(tensors, StringComparer.Ordinal);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    internal static string PythonTypeName(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{s}'",
        bool => "a bool",
        int or long or System.Numerics.BigInteger => $"the int {value}",
        double => "a float",
        byte[] => "bytes",
        object[] => "a tuple",
        Hashtable => "a dict",
        IList => "a list",
        PickledNumpyDType => "a numpy.dtype",
        PickledNumpyArray => "a numpy array",
        PickledTorchTensor => "a torch tensor",
        _ => $"a {value.GetType().Name}",
    };
}
