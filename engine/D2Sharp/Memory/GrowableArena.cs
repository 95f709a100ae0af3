namespace D2Sharp.Memory;

/// <summary>
/// The one arena of a bound model, shared by the plans of every input size because a session runs
/// one input at a time. It grows to the largest plan prepared so far and never shrinks: resized
/// COCO images pad to a few dozen sizes whose arenas differ by tens of percent, so after the first
/// few images it stops growing (see DESIGN.md, "Memory").
/// </summary>
public sealed unsafe class GrowableArena(int alignment) : IDisposable
{
    private NativeBuffer? _buffer;

    /// <summary>Byte alignment of the arena's start (64 on the CPU, 256 on a GPU), as given to the constructor.</summary>
    public int Alignment { get; } = alignment;

    /// <summary>The most bytes the arena may grow to; <see cref="long.MaxValue"/> (default) leaves it to the machine.</summary>
    public long Limit { get; set; } = long.MaxValue;

    /// <summary>Current capacity in bytes.</summary>
    public long Capacity => _buffer?.Length ?? 0;

    /// <summary>Start of the arena; read it at run time, as a later, larger plan can move it.</summary>
    public byte* Base => (_buffer ?? throw new InvalidOperationException("the arena holds no plan yet")).Pointer;

    /// <summary>
    /// Grows the arena to at least <paramref name="bytes"/>; what it held is not kept. When the new
    /// size cannot be had, the arena is given back its old size before the error is rethrown, so the
    /// plans of smaller inputs still run.
    /// </summary>
    /// <exception cref="MemoryLimitException">More than this process can use.</exception>
    public void Ensure(long bytes)
    {
        if (_buffer != null && _buffer.Length >= bytes) return;
        if (bytes > Limit) throw new MemoryLimitException("the plan's arena", bytes, Limit, "the session's arena limit");
        long previous = Capacity;
        // The old buffer goes first, so that growing never needs both at once.
        _buffer?.Dispose();
        _buffer = null;
        try
        {
            _buffer = new NativeBuffer(bytes, Alignment, "the plan's arena");
        }
        catch (MemoryLimitException) when (previous > 0)
        {
            _buffer = new NativeBuffer(previous, Alignment, "the plan's arena");
            throw;
        }
    }

    /// <summary>Frees the native memory; <see cref="Base"/> then throws until <see cref="Ensure"/> allocates again.</summary>
    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
