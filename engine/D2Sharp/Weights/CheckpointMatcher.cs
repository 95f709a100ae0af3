using D2Sharp.Graph;

namespace D2Sharp.Weights;

/// <summary>
/// Assigns checkpoint tensors to a model's parameters exactly as Detectron2's
/// <c>DetectionCheckpointer._load_model</c> does: exact names when the checkpoint has no matching
/// heuristics; otherwise <c>align_and_update_state_dicts</c> (each model key takes the longest
/// checkpoint key that equals it or is a suffix of it starting after a '.'; a checkpoint key chosen
/// by two model keys is an error; a wrong shape is reported and not loaded). Then, as fvcore does,
/// a <c>module.</c> prefix on every key is stripped and shapes are checked once more.
/// </summary>
public static class CheckpointMatcher
{
    /// <summary>A tensor on its way to the model, with the key it has in the checkpoint.</summary>
    private readonly record struct Entry(string CheckpointKey, Tensor Tensor);

    /// <param name="modelParameters">The model's <c>state_dict</c> entries (names and shapes).</param>
    /// <param name="checkpoint">Weights from <see cref="CheckpointLoader.Load"/> (or built in memory).</param>
    /// <exception cref="CheckpointException">One checkpoint key is the best match of two model parameters (Detectron2 raises too).</exception>
    public static CheckpointMatch Match(IReadOnlyList<ParameterSpec> modelParameters, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(modelParameters);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var model = new Dictionary<string, ParameterSpec>(StringComparer.Ordinal);
        foreach (var spec in modelParameters)
            if (!model.TryAdd(spec.Name, spec))
                throw new ArgumentException($"model parameter '{spec.Name}' is listed twice", nameof(modelParameters));

        var mismatches = new List<ShapeMismatch>();
        var state = checkpoint.MatchingHeuristics
            ? AlignBySuffix(model, checkpoint, mismatches)
            : checkpoint.Tensors.ToDictionary(t => t.Key, t => new Entry(t.Key, t.Value), StringComparer.Ordinal);
        state = StripPrefixIfPresent(state, "module.");

        var loaded = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var unused = new List<string>();
        var mismatchedKeys = mismatches.Select(m => m.CheckpointKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, entry) in state.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (!model.TryGetValue(name, out var spec))
            {
                if (!mismatchedKeys.Contains(entry.CheckpointKey)) unused.Add(entry.CheckpointKey);
                continue;
            }
            if (SameShape(spec.Shape, entry.Tensor.Shape))
                loaded[name] = entry;
            else if (!mismatches.Any(m => m.Parameter == name && m.CheckpointKey == entry.CheckpointKey))
                mismatches.Add(new ShapeMismatch(name, entry.CheckpointKey, spec.Shape, entry.Tensor.Shape));
        }
        return Assemble(modelParameters, checkpoint, loaded, unused, mismatches);
    }

    /// <summary><c>align_and_update_state_dicts</c> without the C2 renaming (done at load time).</summary>
    private static Dictionary<string, Entry> AlignBySuffix(
        Dictionary<string, ParameterSpec> model, Checkpoint checkpoint, List<ShapeMismatch> mismatches)
    {
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var matchedBy = new Dictionary<string, string>(StringComparer.Ordinal); // checkpoint key → model key
        foreach (var modelKey in model.Keys.Order(StringComparer.Ordinal))
        {
            string? checkpointKey = LongestSuffixMatch(modelKey, checkpoint.Tensors);
            if (checkpointKey is null) continue;
            var tensor = checkpoint.Tensors[checkpointKey];
            var expected = model[modelKey].Shape;
            if (!SameShape(expected, tensor.Shape))
            {
                mismatches.Add(new ShapeMismatch(modelKey, checkpointKey, expected, tensor.Shape));
                continue;
            }
            result[modelKey] = new Entry(checkpointKey, tensor);
            if (matchedBy.TryGetValue(checkpointKey, out var earlier))
                throw new CheckpointException(checkpoint.Path,
                    $"ambiguous name matching: checkpoint key '{checkpointKey}' matches two model parameters, '{modelKey}' and '{earlier}'; " +
                    "Detectron2 cannot match one checkpoint key to multiple keys in the model either");
            matchedBy[checkpointKey] = modelKey;
        }
        foreach (var (key, tensor) in checkpoint.Tensors)
            if (!matchedBy.ContainsKey(key))
                result[key] = new Entry(key, tensor);
        return result;
    }

    /// <summary>
    /// The longest checkpoint key <c>b</c> with <c>a == b or a.endswith("." + b)</c>; an empty key
    /// never counts (its match length 0 is Detectron2's "no match").
    /// </summary>
    private static string? LongestSuffixMatch(string modelKey, IReadOnlyDictionary<string, Tensor> checkpoint)
    {
        if (modelKey.Length > 0 && checkpoint.ContainsKey(modelKey)) return modelKey;
        for (int dot = modelKey.IndexOf('.'); dot >= 0; dot = modelKey.IndexOf('.', dot + 1))
        {
            string suffix = modelKey[(dot + 1)..];
            if (suffix.Length > 0 && checkpoint.ContainsKey(suffix)) return suffix;
        }
        return null;
    }

    /// <summary>fvcore's <c>_strip_prefix_if_present</c>: strip only when every non-empty key has the prefix.</summary>
    private static Dictionary<string, Entry> StripPrefixIfPresent(Dictionary<string, Entry> state, string prefix)
    {
        if (!state.Keys.All(k => k.Length == 0 || k.StartsWith(prefix, StringComparison.Ordinal))) return state;
        var stripped = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var key in state.Keys.Order(StringComparer.Ordinal))
            stripped[key.Length == 0 ? key : key[prefix.Length..]] = state[key];
        return stripped;
    }

    /// <summary>
    /// Builds the result in model order. Running statistics the checkpoint lacks are filled with
    /// mean 0 / var 1, as Detectron2 leaves them (FrozenBatchNorm2d fills exactly these for a
    /// <c>.pkl</c> state dict; BatchNorm2d keeps the same initial values).
    /// </summary>
    private static CheckpointMatch Assemble(
        IReadOnlyList<ParameterSpec> modelParameters, Checkpoint checkpoint,
        Dictionary<string, Entry> loaded, List<string> unused, List<ShapeMismatch> mismatches)
    {
        var parameters = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<ParameterSpec>();
        var defaulted = new List<string>();
        var mismatched = mismatches.Select(m => m.Parameter).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in modelParameters)
        {
            if (loaded.TryGetValue(spec.Name, out var entry))
            {
                parameters[spec.Name] = entry.Tensor;
                sources[spec.Name] = entry.CheckpointKey;
            }
            else if (mismatched.Contains(spec.Name))
            {
                continue;
            }
            else if (RunningStatDefault(spec) is { } value)
            {
                parameters[spec.Name] = value;
                defaulted.Add(spec.Name);
            }
            else
            {
                missing.Add(spec);
            }
        }
        return new CheckpointMatch(checkpoint, modelParameters.Count, parameters, sources, unused, missing, defaulted, mismatches);
    }

    private static Tensor? RunningStatDefault(ParameterSpec spec)
    {
        float fill;
        if (IsNamed(spec.Name, "running_mean")) fill = 0f;
        else if (IsNamed(spec.Name, "running_var")) fill = 1f;
        else return null;
        var tensor = new Tensor((int[])spec.Shape.Clone());
        Array.Fill(tensor.Data, fill);
        return tensor;
    }

    private static bool IsNamed(string name, string leaf) =>
        name == leaf || name.EndsWith("." + leaf, StringComparison.Ordinal);

    private static bool SameShape(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);
}
