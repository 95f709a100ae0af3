namespace D2Sharp.Weights;

/// <summary>
/// The element type of one torch storage class, as <c>torch.save</c> names it in a persistent id:
/// the numpy descriptor of the same element (<c>"f4"</c>), or none for bfloat16, which numpy lacks.
/// </summary>
internal sealed record TorchStorageType(string Name, string? NumpyKind, int ItemSize)
{
    public bool IsBFloat16 => NumpyKind is null;
}

/// <summary>
/// The torch storage classes a checkpoint may reference (the legacy typed names <c>torch.save</c>
/// still writes, whatever the PyTorch version). Complex and quantized storages have no float32 meaning
/// for a detector's weights and are refused.
/// </summary>
internal static class TorchStorageTypes
{
    private static readonly Dictionary<string, TorchStorageType> ByName = new TorchStorageType[]
    {
        new("torch.FloatStorage", "f4", 4),
        new("torch.DoubleStorage", "f8", 8),
        new("torch.HalfStorage", "f2", 2),
        new("torch.BFloat16Storage", null, 2),
        new("torch.LongStorage", "i8", 8),
        new("torch.IntStorage", "i4", 4),
        new("torch.ShortStorage", "i2", 2),
        new("torch.CharStorage", "i1", 1),
        new("torch.ByteStorage", "u1", 1),
        new("torch.BoolStorage", "b1", 1),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool IsStorageType(string qualifiedName) => ByName.ContainsKey(qualifiedName);

    public static IEnumerable<string> Names => ByName.Keys;

    public static TorchStorageType Get(string qualifiedName) => ByName[qualifiedName];
}
