namespace D2Sharp.Weights;

/// <summary>
/// The only Python globals a checkpoint may name. A <c>.pkl</c> of numpy arrays needs numpy's
/// array reconstructors (<c>_reconstruct</c>, and <c>_frombuffer</c> for protocol 5), <c>numpy.dtype</c>,
/// <c>numpy.ndarray</c> (as the reconstructor's argument), <c>_codecs.encode</c> and <c>bytes</c> (how
/// protocol 2 stores bytes) and <c>collections.OrderedDict</c> (a state dict's own type). A PyTorch zip
/// checkpoint also needs <c>torch._utils._rebuild_tensor_v2</c> and the storage types its persistent ids
/// name. Everything else (<c>os.system</c>, <c>builtins.eval</c>, model classes…) has no business in a
/// weights file and is refused before anything is unpickled.
/// </summary>
internal static class PickleGlobalAllowlist
{
    /// <summary>Globals that may be called (REDUCE, NEWOBJ, OBJ, INST).</summary>
    private static readonly HashSet<string> NumpyCallables = new(StringComparer.Ordinal)
    {
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer",
        "numpy.dtype",
        "_codecs.encode",
        "builtins.bytes",
        "__builtin__.bytes",
        "collections.OrderedDict",
    };

    /// <summary>Globals that may only be passed around, never called.</summary>
    private static readonly HashSet<string> NumpyReferences = new(StringComparer.Ordinal)
    {
        "numpy.ndarray",
    };

    /// <summary>
    /// <c>_rebuild_tensor_v2</c> is how <c>torch.save</c> pickles every plain tensor; a state dict holds
    /// detached tensors, so <c>_rebuild_parameter</c> (an <c>nn.Parameter</c>) is not needed.
    /// </summary>
    private static readonly HashSet<string> TorchCallables = new(StringComparer.Ordinal)
    {
        "torch._utils._rebuild_tensor_v2",
    };

    public static bool IsAllowed(string qualifiedName, PickleDialect dialect) =>
        NumpyCallables.Contains(qualifiedName) || NumpyReferences.Contains(qualifiedName)
        || (dialect == PickleDialect.TorchZip && (TorchCallables.Contains(qualifiedName) || TorchStorageTypes.IsStorageType(qualifiedName)));

    public static bool IsCallable(string qualifiedName, PickleDialect dialect) =>
        NumpyCallables.Contains(qualifiedName) || (dialect == PickleDialect.TorchZip && TorchCallables.Contains(qualifiedName));

    public static string Describe(PickleDialect dialect)
    {
        var names = NumpyCallables.Concat(NumpyReferences);
        if (dialect == PickleDialect.TorchZip) names = names.Concat(TorchCallables).Append("torch.<Type>Storage");
        return string.Join(", ", names.Order(StringComparer.Ordinal));
    }
}
