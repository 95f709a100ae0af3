using Microsoft.Win32.SafeHandles;

namespace D2Sharp.Bindings;

/// <summary>
/// Device memory from <c>cuMemAlloc_v2</c>; disposing frees it (<c>cuMemFree_v2</c>). The <c>CUdeviceptr</c>
/// is kept as the handle value; <see cref="Address"/> is what the bindings take.
/// </summary>
public sealed class DeviceMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private DeviceMemoryHandle(ulong address, nuint bytes) : base(true)
    {
        SetHandle((nint)address);
        Bytes = bytes;
    }

    /// <summary>The device address (valid while this handle is open).</summary>
    public ulong Address => (ulong)handle;

    /// <summary>The allocation's size in bytes.</summary>
    public nuint Bytes { get; }

    /// <summary>Allocates <paramref name="bytes"/> of device memory in the current context (256-byte aligned).</summary>
    /// <exception cref="CudaException">The allocation failed; out of memory, it says how much was asked for and how much is free.</exception>
    public static DeviceMemoryHandle Allocate(nuint bytes)
    {
        var status = CudaDriver.cuMemAlloc_v2(out var address, bytes);
        if (status == CuResult.ErrorOutOfMemory)
        {
            bool known = CudaDriver.cuMemGetInfo_v2(out nuint free, out nuint total) == CuResult.Success;
            throw CudaException.OutOfMemory(nameof(CudaDriver.cuMemAlloc_v2), bytes, known ? free : null, known ? total : null);
        }
        CudaException.ThrowIfFailed(status, nameof(CudaDriver.cuMemAlloc_v2));
        return new DeviceMemoryHandle(address, bytes);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuMemFree_v2((ulong)handle) == CuResult.Success;
}

/// <summary>Page-locked host memory from <c>cuMemAllocHost_v2</c>; disposing frees it (<c>cuMemFreeHost</c>).</summary>
public sealed unsafe class PinnedHostMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private PinnedHostMemoryHandle(void* pointer, nuint bytes) : base(true)
    {
        SetHandle((nint)pointer);
        Bytes = bytes;
    }

    /// <summary>The host address (valid while this handle is open).</summary>
    public void* Pointer => (void*)handle;

    /// <summary>The allocation's size in bytes.</summary>
    public nuint Bytes { get; }

    /// <summary>Allocates <paramref name="bytes"/> of pinned host memory; needs a current context.</summary>
    public static PinnedHostMemoryHandle Allocate(nuint bytes)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuMemAllocHost_v2(out var pointer, bytes), nameof(CudaDriver.cuMemAllocHost_v2));
        return new PinnedHostMemoryHandle(pointer, bytes);
    }

    /// <summary>The memory as a span of <typeparamref name="T"/> (as many whole elements as fit).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged => new(Pointer, checked((int)(Bytes / (nuint)sizeof(T))));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuMemFreeHost((void*)handle) == CuResult.Success;
}
