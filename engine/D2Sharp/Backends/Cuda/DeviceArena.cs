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

    public void Ensure(long bytes)
    {
        if (_memory != null && Capacity >= bytes) return;
        _memory?.Dispose();
        _memory = null;
        _memory = DeviceMemoryHandle.Allocate((nuint)Math.Max(bytes, 256));
        Generation++;
    }

    public void Dispose()
    {
        _memory?.Dispose();
        _memory = null;
    }
}
