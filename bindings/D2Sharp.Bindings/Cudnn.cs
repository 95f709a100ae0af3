using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

/// <summary>
/// cuDNN 9's legacy (descriptor) API (<c>libcudnn.so.9</c>; cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h).
/// cuDNN 9 marks these calls deprecated in favour of the graph API but still ships them. cuDNN uses the
/// primary context of the device current when <see cref="cudnnCreate"/> runs; device data are <c>ulong</c>
/// device pointers, <c>alpha</c>/<c>beta</c> scaling factors are host pointers to a float (a double for
/// double tensors).
/// </summary>
public static unsafe partial class Cudnn
{
    /// <summary>The import name; the resolver in <see cref="NativeLibraries"/> decides which file it is.</summary>
    public const string Library = NativeLibraries.Cudnn;

    static Cudnn() => NativeLibraries.EnsureResolver();

    /// <summary>The loaded library's version, major × 10000 + minor × 100 + patch in cuDNN 9 (90600 = 9.6.0).</summary>
    [LibraryImport(Library)]
    public static partial nuint cudnnGetVersion();

    /// <summary>The status's name as a static NUL-terminated string (e.g. <c>CUDNN_STATUS_BAD_PARAM</c>).</summary>
    [LibraryImport(Library)]
    public static partial byte* cudnnGetErrorString(CudnnStatus status);

    /// <summary>Copies the calling thread's most recent cuDNN error message (cuDNN 9.0+) into <paramref name="message"/>.</summary>
    [LibraryImport(Library)]
    public static partial void cudnnGetLastErrorString(byte* message, nuint maxSize);

    /// <summary>Creates a cuDNN context on the current device; takes hundreds of milliseconds the first time (kernel loading).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnCreate(out nint handle);

    /// <summary>Destroys a cuDNN context (synchronises the device).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnDestroy(nint handle);

    /// <summary>Makes the handle's later calls run on <paramref name="stream"/> (a driver <c>CUstream</c> is a <c>cudaStream_t</c>).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetStream(nint handle, nint stream);

    /// <summary><see cref="cudnnGetErrorString"/> as a managed string.</summary>
    public static string? ErrorString(CudnnStatus status)
    {
        var p = cudnnGetErrorString(status);
        return p == null ? null : Marshal.PtrToStringUTF8((nint)p);
    }

    /// <summary><see cref="cudnnGetLastErrorString"/> as a managed string (empty when there is none).</summary>
    public static string LastErrorString()
    {
        const int size = 1024;
        var buffer = stackalloc byte[size];
        buffer[0] = 0;
        cudnnGetLastErrorString(buffer, size);
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }
}
