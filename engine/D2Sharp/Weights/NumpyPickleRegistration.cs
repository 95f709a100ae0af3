using Razorvine.Pickle;
using Razorvine.Pickle.Objects;

namespace D2Sharp.Weights;

/// <summary>
/// Registers, once per process, the Razorvine.Pickle constructors a numpy checkpoint needs.
/// Razorvine's constructor table is static and not synchronised, so registration happens in a
/// static constructor (run exactly once, before first use, by the runtime) and never again.
/// </summary>
/// <remarks>
/// Side effect on other Razorvine users in the process: these module/class names now produce
/// D2Sharp's types instead of ClassDicts, and <c>builtins.bytes</c> yields a byte array as
/// <c>__builtin__.bytes</c> already did.
/// </remarks>
internal static class NumpyPickleRegistration
{
    static NumpyPickleRegistration()
    {
        var reconstruct = new NumpyReconstructConstructor();
        Unpickler.registerConstructor("numpy.core.multiarray", "_reconstruct", reconstruct);
        Unpickler.registerConstructor("numpy._core.multiarray", "_reconstruct", reconstruct);
        Unpickler.registerConstructor("numpy", "ndarray", new NumpyNdarrayType());
        Unpickler.registerConstructor("numpy", "dtype", new NumpyDTypeConstructor());
        Unpickler.registerConstructor("collections", "OrderedDict", new OrderedDictConstructor());
        Unpickler.registerConstructor("builtins", "bytes", new ByteArrayConstructor());
    }

    /// <summary>Touching this runs the static constructor; calling it again costs nothing.</summary>
    public static void EnsureRegistered() { }
}
