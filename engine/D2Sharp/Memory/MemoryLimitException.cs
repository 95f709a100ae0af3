namespace D2Sharp.Memory;

/// <summary>
/// A buffer larger than this machine (or its container limit) can hold was asked for: refused
/// before allocating, because on Linux an over-committed allocation succeeds and the process is
/// killed later when the pages are touched. The message names the size and what is available.
/// </summary>
public sealed class MemoryLimitException : D2SharpException
{
    /// <summary>An allocation of <paramref name="requested"/> bytes for <paramref name="what"/> is refused.</summary>
    public MemoryLimitException(string what, long requested, long available, Exception? inner = null)
        : base($"{what} needs {Describe(requested)}, more than the {Describe(available)} this process can use", inner!)
    {
        Requested = requested;
        Available = available;
    }

    /// <summary>As above, the bound being <paramref name="limit"/> (e.g. "the session's arena limit") rather than the machine.</summary>
    public MemoryLimitException(string what, long requested, long available, string limit)
        : base($"{what} needs {Describe(requested)}, more than {limit} of {Describe(available)}")
    {
        Requested = requested;
        Available = available;
    }

    /// <summary>Bytes asked for.</summary>
    public long Requested { get; }

    /// <summary>Bytes the process could use when it was asked, or the limit that was set.</summary>
    public long Available { get; }

    private static string Describe(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F1} GiB" : $"{bytes >> 20} MiB";
}
