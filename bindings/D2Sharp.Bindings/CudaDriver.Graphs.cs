using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class CudaDriver
{
    /// <summary>
    /// Starts capturing the work queued on <paramref name="stream"/> into a graph instead of running it.
    /// The stream must not be the legacy default stream. Synchronous calls (cuMemAlloc, cuMemcpy without
    /// Async, synchronising) during a <see cref="CuStreamCaptureMode.Global"/> capture invalidate it.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CuResult cuStreamBeginCapture_v2(nint stream, CuStreamCaptureMode mode);

    /// <summary>Ends the capture and returns the captured graph.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuStreamEndCapture(nint stream, out nint graph);

    /// <summary>Instantiates a graph into an executable graph (flags 0, or CUDA_GRAPH_INSTANTIATE_FLAG_* bits).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGraphInstantiateWithFlags(out nint graphExec, nint graph, ulong flags);

    /// <summary>Launches an executable graph on <paramref name="stream"/>; one launch replays every captured node.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGraphLaunch(nint graphExec, nint stream);

    /// <summary>Destroys an executable graph.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGraphExecDestroy(nint graphExec);

    /// <summary>Destroys a graph (executable graphs instantiated from it stay valid).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuGraphDestroy(nint graph);
}
