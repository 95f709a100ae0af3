namespace D2Sharp.Weights;

/// <summary>
/// Bounds a checkpoint must stay within before anything it declares is allocated. Checkpoints are
/// untrusted input: the pickle scan (and, for <c>.pth</c> files, the zip directory) is checked
/// against these limits first, so a small file that declares a huge payload, a deep nesting or a
/// huge memo is refused with a <see cref="CheckpointException"/> instead of exhausting memory.
/// The defaults are far above what any Detectron2 or PyTorch checkpoint needs.
/// </summary>
public sealed record CheckpointLimits
{
    /// <summary>The defaults listed on each property.</summary>
    public static CheckpointLimits Default { get; } = new();

    /// <summary>
    /// Size of the whole file, and of any one zip entry, in bytes. Default <see cref="Array.MaxLength"/>
    /// (just under 2 GiB): a <c>.pkl</c> is read into one array, and so is each storage of a <c>.pth</c>.
    /// </summary>
    public long MaxFileBytes { get; init; } = Array.MaxLength;

    /// <summary>
    /// How deeply containers (dicts, lists, tuples, reduced objects) may nest, and how many MARKs
    /// may be open at once. Default 64: a training checkpoint's optimizer state nests about 6 deep.
    /// </summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>
    /// Memo entries, and so the highest memo index a PUT may use. Default 2^20: the pickler memoises
    /// a few objects per tensor, and the largest model-zoo checkpoints hold under 10^4 tensors.
    /// </summary>
    public int MaxMemoEntries { get; init; } = 1 << 20;

    /// <summary>Values on the unpickler's stack at once. Default 2^20 (the pickler batches 1000 items per APPENDS/SETITEMS).</summary>
    public int MaxStackLength { get; init; } = 1 << 20;

    /// <summary>Items in one dict, list, tuple or set. Default 2^20.</summary>
    public int MaxContainerItems { get; init; } = 1 << 20;

    /// <summary>
    /// Bytes in one text string (names, authors, a Caffe2 file's config dump) or one GLOBAL line.
    /// Default 2^20. Raw array data (bytes, Python 2 byte strings, and the text protocol 2 passes to
    /// <c>_codecs.encode</c>) is bounded by the file instead.
    /// </summary>
    public int MaxStringLength { get; init; } = 1 << 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a limit is not positive.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFileBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNestingDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxMemoEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxStackLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxContainerItems);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxStringLength);
    }
}
