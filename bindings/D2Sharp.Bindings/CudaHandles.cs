using System.Text;
using Microsoft.Win32.SafeHandles;

namespace D2Sharp.Bindings;

/// <summary>A retained primary context of one device; disposing releases the retain (<c>cuDevicePrimaryCtxRelease_v2</c>).</summary>
public sealed class CudaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudaContextHandle(nint context, int device) : base(true)
    {
        SetHandle(context);
        Device = device;
    }

    /// <summary>The device ordinal whose primary context this is.</summary>
    public int Device { get; }

    /// <summary>Initialises the driver if needed and retains device <paramref name="device"/>'s primary context (not yet current).</summary>
    public static CudaContextHandle RetainPrimary(int device)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuInit(0), nameof(CudaDriver.cuInit));
        CudaException.ThrowIfFailed(CudaDriver.cuDevicePrimaryCtxRetain(out var context, device), nameof(CudaDriver.cuDevicePrimaryCtxRetain));
        return new CudaContextHandle(context, device);
    }

    /// <summary>Binds the context to the calling thread (every thread that issues CUDA calls needs this).</summary>
    public void MakeCurrent()
        => CudaException.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(handle), nameof(CudaDriver.cuCtxSetCurrent));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuDevicePrimaryCtxRelease_v2(Device) == CuResult.Success;
}

/// <summary>A loaded module (PTX, cubin or fatbin); disposing unloads it (<c>cuModuleUnload</c>).</summary>
public sealed class CudaModuleHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private const int LogBytes = 16 * 1024;

    private CudaModuleHandle(nint module) : base(true) => SetHandle(module);

    /// <summary>
    /// Loads <paramref name="image"/> into the current context: PTX text (a terminating NUL is added when
    /// missing), a cubin or a fatbin. The JIT's info log comes back in <paramref name="infoLog"/>; on failure
    /// the <see cref="CudaException"/> carries the JIT's error log.
    /// </summary>
    public static unsafe CudaModuleHandle Load(ReadOnlySpan<byte> image, out string infoLog)
    {
        var terminated = image.Length > 0 && image[^1] == 0 ? image.ToArray() : [.. image, 0];
        var info = new byte[LogBytes];
        var error = new byte[LogBytes];
        fixed (byte* pImage = terminated, pInfo = info, pError = error)
        {
            var options = stackalloc CuJitOption[]
            {
                CuJitOption.InfoLogBuffer, CuJitOption.InfoLogBufferSizeBytes,
                CuJitOption.ErrorLogBuffer, CuJitOption.ErrorLogBufferSizeBytes,
            };
            var values = stackalloc void*[] { pInfo, (void*)LogBytes, pError, (void*)LogBytes };
            var status = CudaDriver.cuModuleLoadDataEx(out var module, pImage, 4, options, values);
            infoLog = Text(info);
            if (status != CuResult.Success)
                throw new CudaException(status, nameof(CudaDriver.cuModuleLoadDataEx), Text(error));
            return new CudaModuleHandle(module);
        }
    }

    /// <summary>Loads PTX source text; see <see cref="Load(ReadOnlySpan{byte}, out string)"/>.</summary>
    public static CudaModuleHandle LoadPtx(string ptx, out string infoLog) => Load(Encoding.UTF8.GetBytes(ptx), out infoLog);

    /// <summary>The kernel <paramref name="name"/>; the returned <c>CUfunction</c> is owned by this module.</summary>
    public nint GetFunction(string name)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuModuleGetFunction(out var function, handle, name), $"{nameof(CudaDriver.cuModuleGetFunction)}({name})");
        return function;
    }

    private static string Text(byte[] log)
    {
        var end = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).Trim();
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuModuleUnload(handle) == CuResult.Success;
}

/// <summary>A stream of the current context; disposing destroys it (<c>cuStreamDestroy_v2</c>).</summary>
public sealed class CudaStreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudaStreamHandle(nint stream) : base(true) => SetHandle(stream);

    /// <summary>Creates a stream; <paramref name="flags"/> 0 or <see cref="CudaDriver.StreamNonBlocking"/> (required for graph capture alongside other work).</summary>
    public static CudaStreamHandle Create(uint flags = CudaDriver.StreamNonBlocking)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuStreamCreate(out var stream, flags), nameof(CudaDriver.cuStreamCreate));
        return new CudaStreamHandle(stream);
    }

    /// <summary>Waits for the stream's queued work.</summary>
    public void Synchronize() => CudaException.ThrowIfFailed(CudaDriver.cuStreamSynchronize(handle), nameof(CudaDriver.cuStreamSynchronize));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuStreamDestroy_v2(handle) == CuResult.Success;
}

/// <summary>An event; disposing destroys it (<c>cuEventDestroy_v2</c>).</summary>
public sealed class CudaEventHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudaEventHandle(nint ev) : base(true) => SetHandle(ev);

    /// <summary>Creates an event; flags 0 (timing) or <see cref="CudaDriver.EventDisableTiming"/>.</summary>
    public static CudaEventHandle Create(uint flags = 0)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuEventCreate(out var ev, flags), nameof(CudaDriver.cuEventCreate));
        return new CudaEventHandle(ev);
    }

    /// <summary>Records the event on <paramref name="stream"/>.</summary>
    public void Record(CudaStreamHandle stream)
        => CudaException.ThrowIfFailed(CudaDriver.cuEventRecord(handle, stream.DangerousGetHandle()), nameof(CudaDriver.cuEventRecord));

    /// <summary>Waits for the work before the last record.</summary>
    public void Synchronize() => CudaException.ThrowIfFailed(CudaDriver.cuEventSynchronize(handle), nameof(CudaDriver.cuEventSynchronize));

    /// <summary>Milliseconds from <paramref name="start"/> to <paramref name="end"/>; both recorded and completed.</summary>
    public static float ElapsedMilliseconds(CudaEventHandle start, CudaEventHandle end)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuEventElapsedTime(out var ms, start.handle, end.handle), nameof(CudaDriver.cuEventElapsedTime));
        return ms;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuEventDestroy_v2(handle) == CuResult.Success;
}

/// <summary>A captured graph; disposing destroys it (<c>cuGraphDestroy</c>).</summary>
public sealed class CudaGraphHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudaGraphHandle(nint graph) : base(true) => SetHandle(graph);

    /// <summary>Starts capturing <paramref name="stream"/>'s work; finish with <see cref="EndCapture"/>.</summary>
    public static void BeginCapture(CudaStreamHandle stream, CuStreamCaptureMode mode = CuStreamCaptureMode.Global)
        => CudaException.ThrowIfFailed(CudaDriver.cuStreamBeginCapture_v2(stream.DangerousGetHandle(), mode), nameof(CudaDriver.cuStreamBeginCapture_v2));

    /// <summary>Ends the capture started by <see cref="BeginCapture"/> and returns the graph.</summary>
    public static CudaGraphHandle EndCapture(CudaStreamHandle stream)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuStreamEndCapture(stream.DangerousGetHandle(), out var graph), nameof(CudaDriver.cuStreamEndCapture));
        return new CudaGraphHandle(graph);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuGraphDestroy(handle) == CuResult.Success;
}

/// <summary>An executable graph; disposing destroys it (<c>cuGraphExecDestroy</c>).</summary>
public sealed class CudaGraphExecHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudaGraphExecHandle(nint exec) : base(true) => SetHandle(exec);

    /// <summary>Instantiates <paramref name="graph"/> (flags: CUDA_GRAPH_INSTANTIATE_FLAG_* bits).</summary>
    public static CudaGraphExecHandle Instantiate(CudaGraphHandle graph, ulong flags = 0)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuGraphInstantiateWithFlags(out var exec, graph.DangerousGetHandle(), flags), nameof(CudaDriver.cuGraphInstantiateWithFlags));
        return new CudaGraphExecHandle(exec);
    }

    /// <summary>Replays the graph on <paramref name="stream"/>.</summary>
    public void Launch(CudaStreamHandle stream)
        => CudaException.ThrowIfFailed(CudaDriver.cuGraphLaunch(handle, stream.DangerousGetHandle()), nameof(CudaDriver.cuGraphLaunch));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => CudaDriver.cuGraphExecDestroy(handle) == CuResult.Success;
}
