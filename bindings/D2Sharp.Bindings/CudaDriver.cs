using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

/// <summary>
/// The CUDA driver API (<c>libcuda.so.1</c>, <c>cuda.h</c>). Method names are the exported symbols (the
/// <c>_v2</c> suffixes are what the header's macros map the plain names to). Handles are <c>nint</c>,
/// device pointers <c>ulong</c>, device ordinals <c>int</c>; most calls act on the calling thread's
/// current context (<see cref="cuCtxSetCurrent"/>).
/// </summary>
public static unsafe partial class CudaDriver
{
    /// <summary>The import name; the resolver in <see cref="NativeLibraries"/> decides which file it is.</summary>
    public const string Library = NativeLibraries.Cuda;

    /// <summary><c>CU_STREAM_NON_BLOCKING</c>: the stream does not synchronise with the legacy default stream.</summary>
    public const uint StreamNonBlocking = 0x1;

    /// <summary><c>CU_EVENT_DISABLE_TIMING</c>: a cheaper event that cannot be used with <see cref="cuEventElapsedTime"/>.</summary>
    public const uint EventDisableTiming = 0x2;

    static CudaDriver() => NativeLibraries.EnsureResolver();

    /// <summary>Returns the driver's name for <paramref name="error"/> (e.g. <c>CUDA_ERROR_NO_DEVICE</c>) in <paramref name="name"/>; works before <see cref="cuInit"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGetErrorName(CuResult error, out byte* name);

    /// <summary>Returns the driver's description of <paramref name="error"/>; works before <see cref="cuInit"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGetErrorString(CuResult error, out byte* description);

    /// <summary>The driver's name for <paramref name="error"/>, or null when the driver does not know the code.</summary>
    public static string? ErrorName(CuResult error)
        => cuGetErrorName(error, out var p) == CuResult.Success && p != null ? Marshal.PtrToStringUTF8((nint)p) : null;

    /// <summary>The driver's description of <paramref name="error"/>, or null when the driver does not know the code.</summary>
    public static string? ErrorString(CuResult error)
        => cuGetErrorString(error, out var p) == CuResult.Success && p != null ? Marshal.PtrToStringUTF8((nint)p) : null;
}
