using System.Collections;
using System.Globalization;
using Razorvine.Pickle;

namespace D2Sharp.Weights;

/// <summary>
/// Reads a Detectron2 / Caffe2 <c>.pkl</c> checkpoint the way Detectron2's
/// <c>DetectionCheckpointer._load_file</c> does, but safely: the pickle is scanned and refused
/// unless it names only numpy-array globals (<see cref="PickleOpcodeScanner"/>), and only then
/// unpickled with Razorvine.Pickle.
/// </summary>
public static class CheckpointLoader
{
    private const string Caffe2Author = "Caffe2";

    /// <summary>
    /// Loads <paramref name="path"/>. A dict with both <c>"model"</c> and <c>"__author__"</c> is
    /// Detectron2 format; anything else is Caffe2 (blobs at top level or under <c>"blobs"</c>,
    /// <c>*_momentum</c> dropped, names converted by Detectron2's C2 rules, matching heuristics on).
    /// Every weight must be a numeric numpy array (as fvcore requires); it becomes float32.
    /// </summary>
    /// <exception cref="CheckpointException">Missing/unreadable file, unsafe or corrupt pickle, unexpected layout.</exception>
    public static Checkpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ReadFile(path);
        PickleOpcodeScanner.Scan(bytes, path);
        object? root = Unpickle(bytes, path);
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
        string? author = top["__author__"] switch
        {
            null => null,
            string s => s,
            var other => System.Convert.ToString(other, CultureInfo.InvariantCulture),
        };
        bool heuristics = top.ContainsKey("matching_heuristics") && IsTruthy(top["matching_heuristics"], path);
        var tensors = DecodeArrays(model, "model", path);
        // Detectron2 applies the C2 renaming whenever heuristics are on and the author says Caffe2.
        if (heuristics && author == Caffe2Author)
        {
            var (renamed, originals) = Caffe2Renaming.ConvertDetectronNames(tensors, path);
            return new Checkpoint(path, CheckpointFormat.Detectron2, author, heuristics, Sorted(renamed), originals);
        }
        return new Checkpoint(path, CheckpointFormat.Detectron2, author, heuristics, Sorted(tensors));
    }

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

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message;
            throw new CheckpointException(path, $"cannot be read: {reason}", e);
        }
    }

    private static object? Unpickle(byte[] bytes, string path)
    {
        NumpyPickleRegistration.EnsureRegistered();
        try
        {
            using var unpickler = new Unpickler();
            return unpickler.loads(bytes);
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

    private static string PythonTypeName(object? value) => value switch
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
        _ => $"a {value.GetType().Name}",
    };
}
