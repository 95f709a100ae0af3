using Razorvine.Pickle;
using Razorvine.Pickle.Objects;

namespace D2Sharp.Weights;

/// <summary>
/// Registers, once per process, the Razorvine.Pickle constructors a numpy checkpoint needs, and
/// those of a PyTorch zip checkpoint (tensors and storage types).
/// Razorvine's constructor table is static and not synchronised, so registration happens in a
/// static constructor (run exactly once, before first use, by the runtime) and never again.
/// </summary>
/// <remarks>
/// Side effect on other Razorvine users in the process: these module/class names now produce
/// D2Sharp's types instead of ClassDicts (the opcode scan decides where each may appear), and <c>builtins.bytes</c> yields a byte array as
/// <c>__builtin__.bytes</c> already did.
/// </remarks>
internal static class CheckpointPickleRegistration
{
    static CheckpointPickleRegistration()
    {
        var reconstruct = new NumpyReconstructConstructor();
        Unpickler.registerConstructor("numpy.core.multiarray", "_reconstruct", reconstruct);
        Unpickler.registerConstructor("numpy._core.multiarray", "_reconstruct", reconstruct);
        var fromBuffer = new NumpyFromBufferConstructor();
        Unpickler.registerConstructor("numpy.core.numeric", "_frombuffer", fromBuffer);
        Unpickler.registerConstructor("numpy._core.numeric", "_frombuffer", fromBuffer);
        Unpickler.registerConstructor("numpy", "ndarray", new NumpyNdarrayType());
        Unpickler.registerConstructor("numpy", "dtype", new NumpyDTypeConstructor());
        Unpickler.registerConstructor("collections", "OrderedDict", new OrderedDictConstructor());
        Unpickler.registerConstructor("builtins", "bytes", new ByteArrayConstructor());
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", new TorchRebuildTensorConstructor());
        foreach (string storage in TorchStorageTypes.Names)
        {
            int dot = storage.LastIndexOf('.');
            Unpickler.registerConstructor(storage[..dot], storage[(dot + 1)..], new TorchStorageTypeMarker(TorchStorageTypes.Get(storage)));
        }
    }

    /// <summary>Touching this runs the static constructor; calling it again costs nothing.</summary>
    public static void EnsureRegistered() { }
}
