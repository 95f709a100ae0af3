using D2Sharp.Bindings;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// The device arena of a bound model, shared by its plans like the host arena: it grows to the
/// largest plan prepared so far and never shrinks. <see cref="Generation"/> changes whenever it
/// moves, so an executor knows its captured graph points at freed memory and captures again.
/// </summary>
internal sealed class DeviceArena : IDisposable
{
    private DeviceMemoryHandle? _memory;

    public long Capacity => (long)(_memory?.Bytes ?? 0);
    public ulong Address => _memory?.Address ?? throw new InvalidOperationException("the device arena holds no plan yet");
    public int Generation { get; private set; }

    /// <summary>The most bytes the arena may grow to; <see cref="long.MaxValue"/> (default) leaves it to the device.</summary>
    public long Limit { get; set; } = long.MaxValue;

    /// <summary>
    /// Grows the arena to at least <paramref name="bytes"/>. Out of device memory, it takes back its
    /// old size before rethrowing, so the plans of smaller inputs still run (their graphs are
    /// captured again: the memory moved).
    /// </summary>
    /// <exception cref="CudaException">The allocation failed; out of memory, it names the size asked and what was free.</exception>
    public void Ensure(long bytes)
    {
        if (_memory != null && Capacity >= bytes) return;
        if (bytes > Limit) throw new Memory.MemoryLimitException("the plan's device arena", bytes, Limit, "the session's arena limit");
        long previous = Capacity;
        _memory?.Dispose();
        _memory = null;
        Generation++;
        try
        {
            _memory = DeviceMemoryHandle.Allocate((nuint)Math.Max(bytes, 256));
        }
        catch (CudaException e) when (e.Status == CuResult.ErrorOutOfMemory && previous > 0)
        {
            _memory = DeviceMemoryHandle.Allocate((nuint)previous);
            throw;
        }
    }

    public void Dispose()
    {
        _memory?.Dispose();
        _memory = null;
    }
}
