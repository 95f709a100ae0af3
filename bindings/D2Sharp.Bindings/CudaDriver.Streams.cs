using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class CudaDriver
{
    /// <summary>Creates a stream in the current context; <paramref name="flags"/> 0 or <see cref="StreamNonBlocking"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuStreamCreate(out nint stream, uint flags);

    /// <summary>Destroys a stream once its pending work completes (the call itself does not wait).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuStreamDestroy_v2(nint stream);

    /// <summary>Waits until all work queued on the stream has completed.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuStreamSynchronize(nint stream);

    /// <summary>Creates an event; <paramref name="flags"/> 0 (timing) or <see cref="EventDisableTiming"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuEventCreate(out nint ev, uint flags);

    /// <summary>Records the event at the current end of <paramref name="stream"/>.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuEventRecord(nint ev, nint stream);

    /// <summary>Waits until the work before the event's last record has completed.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuEventSynchronize(nint ev);

    /// <summary>Milliseconds between two recorded, completed events (resolution about 0.5 µs).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuEventElapsedTime(out float milliseconds, nint start, nint end);

    /// <summary>Destroys an event.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuEventDestroy_v2(nint ev);
}
