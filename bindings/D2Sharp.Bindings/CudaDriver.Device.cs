using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class CudaDriver
{
    /// <summary>Initialises the driver; <paramref name="flags"/> must be 0. Every other call except the version and error-name queries needs it first.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuInit(uint flags);

    /// <summary>The driver's CUDA version, 1000 × major + 10 × minor (12040 = 12.4); works without <see cref="cuInit"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDriverGetVersion(out int driverVersion);

    /// <summary>Number of CUDA devices visible to this process (after CUDA_VISIBLE_DEVICES).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDeviceGetCount(out int count);

    /// <summary>Device handle for ordinal <paramref name="ordinal"/> (the handle is the ordinal on current drivers).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDeviceGet(out int device, int ordinal);

    /// <summary>Writes the device's NUL-terminated ASCII name into <paramref name="name"/> (at most <paramref name="len"/> bytes).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDeviceGetName(byte* name, int len, int dev);

    /// <summary>One integer attribute of a device (SM count, compute capability, shared memory limits…).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDeviceGetAttribute(out int value, CuDeviceAttribute attrib, int dev);

    /// <summary>Total device memory in bytes.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDeviceTotalMem_v2(out nuint bytes, int dev);

    /// <summary>
    /// Retains the device's primary context (the one the CUDA runtime, cuDNN and cuBLAS also use), creating it
    /// on first retain. It is not made current: call <see cref="cuCtxSetCurrent"/>. Balance with
    /// <see cref="cuDevicePrimaryCtxRelease_v2"/>.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDevicePrimaryCtxRetain(out nint context, int dev);

    /// <summary>Releases one retain of the device's primary context; the last release destroys it.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuDevicePrimaryCtxRelease_v2(int dev);

    /// <summary>Binds <paramref name="context"/> to the calling thread (0 unbinds).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuCtxSetCurrent(nint context);

    /// <summary>The calling thread's current context (0 when none).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuCtxGetCurrent(out nint context);

    /// <summary>Waits for all work in the current context; reports errors of earlier asynchronous launches.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuCtxSynchronize();

    /// <summary>Free and total memory of the current context's device, in bytes.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemGetInfo_v2(out nuint free, out nuint total);

    /// <summary>The device's name as a string (wraps <see cref="cuDeviceGetName"/>).</summary>
    public static string DeviceName(int device)
    {
        var buffer = stackalloc byte[256];
        CudaException.ThrowIfFailed(cuDeviceGetName(buffer, 256, device), nameof(cuDeviceGetName));
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }
}
