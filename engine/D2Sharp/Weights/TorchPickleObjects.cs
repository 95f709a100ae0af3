using Razorvine.Pickle;

namespace D2Sharp.Weights;

/// <summary>
/// Stands for a storage class (<c>torch.FloatStorage</c>…), which a checkpoint only names inside a
/// persistent id; calling it is refused by the opcode scan, and refused here again.
/// </summary>
internal sealed class TorchStorageTypeMarker(TorchStorageType type) : IObjectConstructor
{
    public TorchStorageType Type { get; } = type;

    public object construct(object[] args) =>
        throw new PickleException($"{Type.Name} cannot be constructed from a checkpoint");
}

/// <summary>
/// A persistent id resolved: storage <see cref="Key"/> of the archive (the record <c>data/&lt;key&gt;</c>),
/// holding <see cref="Numel"/> elements of <see cref="Type"/>. Nothing is read until a tensor of the
/// model is decoded.
/// </summary>
internal sealed record TorchStorageReference(TorchStorageType Type, string Key, long Numel);

/// <summary>
/// <c>torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
/// backward_hooks[, metadata])</c> as unpickled: a view of a storage, kept raw until the loader
/// decodes it (with <see cref="TorchTensorDecoder"/>, where it knows the entry's name).
/// </summary>
internal sealed record PickledTorchTensor(TorchStorageReference Storage, object? StorageOffset, object[] Size, object[] Stride);

/// <summary><c>torch._utils._rebuild_tensor_v2</c>: records the view; the storage is read later, if at all.</summary>
internal sealed class TorchRebuildTensorConstructor : IObjectConstructor
{
    public object construct(object[] args)
    {
        if (args.Length is < 6 or > 7 || args[0] is not TorchStorageReference storage || args[2] is not object[] size || args[3] is not object[] stride)
            throw new PickleException("_rebuild_tensor_v2 expects (storage, offset, size tuple, stride tuple, requires_grad, hooks[, metadata])");
        return new PickledTorchTensor(storage, args[1], size, stride);
    }
}
