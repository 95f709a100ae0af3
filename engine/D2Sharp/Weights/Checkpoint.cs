namespace D2Sharp.Weights;

/// <summary>
/// The weights of one checkpoint file (<c>.pkl</c> or PyTorch <c>.pth</c>) as Detectron2's
/// checkpointer sees them just before it matches them to a model: float32 tensors by name, the author and whether name-matching
/// heuristics apply. Caffe2 weights (Caffe2 files, and Detectron2-format files with matching
/// heuristics whose author is "Caffe2") are already renamed, and their prediction layers
/// reordered, by Detectron2's C2 rules, so <see cref="Tensors"/> uses Detectron2-style names throughout.
/// </summary>
public sealed class Checkpoint
{
    /// <param name="path">Where the weights came from; used in every message about them.</param>
    /// <param name="format">The naming convention the file used.</param>
    /// <param name="author">The file's <c>"__author__"</c>; <c>"Caffe2"</c> for Caffe2 files.</param>
    /// <param name="matchingHeuristics">Match names by suffix (<c>align_and_update_state_dicts</c>) instead of exactly.</param>
    /// <param name="tensors">The weights by (renamed) key.</param>
    /// <param name="originalNames">Key in <paramref name="tensors"/> → name in the file; keys not listed kept their name.</param>
    public Checkpoint(
        string path,
        CheckpointFormat format,
        string? author,
        bool matchingHeuristics,
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? originalNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        Path = path;
        Format = format;
        Author = author;
        MatchingHeuristics = matchingHeuristics;
        Tensors = tensors;
        OriginalNames = originalNames ?? new Dictionary<string, string>();
    }

    /// <summary>The file the checkpoint was read from, as given to the loader (used in messages).</summary>
    public string Path { get; }
    /// <summary>Which naming the file uses, and so how its keys are matched to the model's parameters.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>The file's <c>"__author__"</c> entry; <c>"Caffe2"</c> for Caffe2/MSRA files (as Detectron2 sets it).</summary>
    public string? Author { get; }

    /// <summary>
    /// Detectron2's <c>checkpoint["matching_heuristics"]</c>: taken from the file for Detectron2-format
    /// files (default false), always true for Caffe2 files.
    /// </summary>
    public bool MatchingHeuristics { get; }

    /// <summary>Every weight as float32, by key (ordinal order). Caffe2 names are already converted.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>For renamed entries (Caffe2 files): key in <see cref="Tensors"/> → blob name in the file.</summary>
    public IReadOnlyDictionary<string, string> OriginalNames { get; }

    /// <summary>The name the file itself uses for <paramref name="key"/>.</summary>
    public string OriginalName(string key) => OriginalNames.TryGetValue(key, out var original) ? original : key;
}
