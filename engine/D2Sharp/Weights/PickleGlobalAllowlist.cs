namespace D2Sharp.Weights;

/// <summary>
/// The only Python globals a checkpoint may name. A <c>.pkl</c> of numpy arrays needs numpy's
/// array reconstructor, <c>numpy.dtype</c>, <c>numpy.ndarray</c> (as the reconstructor's argument),
/// <c>_codecs.encode</c> and <c>bytes</c> (how protocol 2 stores bytes) and <c>collections.OrderedDict</c>
/// (a state dict's own type). Everything else (<c>os.system</c>, <c>builtins.eval</c>, torch storages…)
/// has no business in a weights file and is refused before anything is unpickled.
/// </summary>
internal static class PickleGlobalAllowlist
{
    /// <summary>Globals that may be called (REDUCE, NEWOBJ, OBJ, INST).</summary>
    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.dtype",
        "_codecs.encode",
        "builtins.bytes",
        "__builtin__.bytes",
        "collections.OrderedDict",
    };

    /// <summary>Globals that may only be passed around, never called.</summary>
    private static readonly HashSet<string> References = new(StringComparer.Ordinal)
    {
        "numpy.ndarray",
    };

    public static bool IsAllowed(string qualifiedName) =>
        Callables.Contains(qualifiedName) || References.Contains(qualifiedName);

    public static bool IsCallable(string qualifiedName) => Callables.Contains(qualifiedName);

    public static string Describe() =>
        string.Join(", ", Callables.Concat(References).Order(StringComparer.Ordinal));
}
