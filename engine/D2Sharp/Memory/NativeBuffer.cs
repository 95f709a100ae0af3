using System.Runtime.InteropServices;

namespace D2Sharp.Memory;

/// <summary>
/// Zero-initialised native memory aligned for SIMD loads, owned by a <see cref="SafeHandle"/>:
/// the CPU arena and plan constants. The garbage collector never moves it, so kernels keep raw
/// pointers into it for the length of a run.
/// </summary>
public sealed unsafe class NativeBuffer : SafeHandle
{
    /// <summary>Allocates <paramref name="bytes"/>; <paramref name="purpose"/> names the buffer in a <see cref="MemoryLimitException"/>.</summary>
    public NativeBuffer(long bytes, int alignment, string purpose = "a native buffer") : base(IntPtr.Zero, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Length = bytes;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available) throw new MemoryLimitException(purpose, bytes, available);
        try
        {
            // At least one alignment unit, so an empty plan still has a valid, aligned pointer.
            nuint size = (nuint)Math.Max(bytes, alignment);
            void* memory = NativeMemory.AlignedAlloc(size, (nuint)alignment);
            NativeMemory.Clear(memory, size);
            SetHandle((IntPtr)memory);
        }
        catch (OutOfMemoryException e)
        {
            throw new MemoryLimitException(purpose, bytes, available, e);
        }
    }

    /// <summary>Usable size in bytes, as requested (the allocation is at least one alignment unit).</summary>
    public long Length { get; }

    /// <summary>True while the handle is null, i.e. no memory was allocated.</summary>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The first byte; valid while the buffer is not disposed.</summary>
    public byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (byte*)handle;
        }
    }

    /// <summary>Frees the aligned native memory; called once by the <see cref="SafeHandle"/> machinery.</summary>
    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
