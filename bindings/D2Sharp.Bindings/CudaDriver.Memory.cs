using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class CudaDriver
{
    /// <summary>Allocates device memory (synchronous, 256-byte aligned) in the current context.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemAlloc_v2(out ulong dptr, nuint bytesize);

    /// <summary>Frees memory from <see cref="cuMemAlloc_v2"/>; synchronises with outstanding work on it.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemFree_v2(ulong dptr);

    /// <summary>Stream-ordered allocation from the device's default memory pool (CUDA 11.2+); capturable into graphs.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemAllocAsync(out ulong dptr, nuint bytesize, nint stream);

    /// <summary>Stream-ordered free of memory from <see cref="cuMemAllocAsync"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemFreeAsync(ulong dptr, nint stream);

    /// <summary>Allocates page-locked host memory, mapped for the device, needed for truly asynchronous copies.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemAllocHost_v2(out void* pp, nuint bytesize);

    /// <summary>Frees memory from <see cref="cuMemAllocHost_v2"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemFreeHost(void* p);

    /// <summary>Synchronous host-to-device copy.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemcpyHtoD_v2(ulong dstDevice, void* srcHost, nuint byteCount);

    /// <summary>Synchronous device-to-host copy.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemcpyDtoH_v2(void* dstHost, ulong srcDevice, nuint byteCount);

    /// <summary>Asynchronous host-to-device copy; asynchronous with respect to the host only from pinned memory.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemcpyHtoDAsync_v2(ulong dstDevice, void* srcHost, nuint byteCount, nint stream);

    /// <summary>Asynchronous device-to-host copy; asynchronous with respect to the host only into pinned memory.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemcpyDtoHAsync_v2(void* dstHost, ulong srcDevice, nuint byteCount, nint stream);

    /// <summary>Asynchronous device-to-device copy.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemcpyDtoDAsync_v2(ulong dstDevice, ulong srcDevice, nuint byteCount, nint stream);

    /// <summary>Sets <paramref name="n"/> bytes to <paramref name="value"/>, stream-ordered.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemsetD8Async(ulong dstDevice, byte value, nuint n, nint stream);

    /// <summary>Sets <paramref name="n"/> 32-bit words (not bytes) to <paramref name="value"/>, stream-ordered; the destination must be 4-byte aligned.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuMemsetD32Async(ulong dstDevice, uint value, nuint n, nint stream);
}
