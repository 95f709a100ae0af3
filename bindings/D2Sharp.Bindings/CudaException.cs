namespace D2Sharp.Bindings;

/// <summary>A CUDA driver call returned an error. The message reads <c>&lt;call&gt; failed: CUDA_ERROR_X (&lt;driver's description&gt;)</c>.</summary>
public class CudaException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> returning <paramref name="status"/>; <paramref name="detail"/> (a JIT log, say) is appended.</summary>
    public CudaException(CuResult status, string call, string? detail = null)
        : this(status, call, detail, sameLine: false)
    {
    }

    private CudaException(CuResult status, string call, string? detail, bool sameLine)
        : base(Format(status, call, detail, sameLine))
    {
        Status = status;
        Call = call;
    }

    /// <summary>The driver's status code.</summary>
    public CuResult Status { get; }

    /// <summary>The failing call, e.g. <c>cuMemAlloc_v2</c>.</summary>
    public string Call { get; }

    /// <summary>Bytes the failed allocation asked for (out-of-memory errors only).</summary>
    public ulong? RequestedBytes { get; private init; }

    /// <summary>Device memory free when the allocation failed, when the driver could tell.</summary>
    public ulong? FreeBytes { get; private init; }

    /// <summary>
    /// <paramref name="call"/> ran out of device memory: the message adds the size asked for and
    /// what was free of the total, so the caller can tell a too-large input from a full device.
    /// </summary>
    public static CudaException OutOfMemory(string call, ulong requested, ulong? free, ulong? total)
    {
        string detail = $"requested {Size(requested)}" + (free is { } f && total is { } t ? $", {Size(f)} free of {Size(t)}" : "");
        return new CudaException(CuResult.ErrorOutOfMemory, call, detail, sameLine: true) { RequestedBytes = requested, FreeBytes = free };
    }

    private static string Size(ulong bytes) => bytes >= 1UL << 30 ? $"{bytes / (double)(1UL << 30):F2} GiB" : $"{bytes / (double)(1UL << 20):F1} MiB";

    /// <summary>Throws a <see cref="CudaException"/> unless <paramref name="status"/> is <see cref="CuResult.Success"/>.</summary>
    public static void ThrowIfFailed(CuResult status, string call)
    {
        if (status != CuResult.Success) throw new CudaException(status, call);
    }

    /// <summary>
    /// <c>CUDA_ERROR_X (description)</c>: names from <c>cuGetErrorName</c>/<c>cuGetErrorString</c> when the
    /// driver is loaded, else from the enum (without a description).
    /// </summary>
    public static string Describe(CuResult status)
    {
        string? name = null, text = null;
        if (NativeLibraries.LoadedPath(NativeLibraries.Cuda) != null)
        {
            try
            {
                name = CudaDriver.ErrorName(status);
                text = CudaDriver.ErrorString(status);
            }
            catch (EntryPointNotFoundException)
            {
                // A stub driver without the error-name exports: fall back to the enum.
            }
        }
        name ??= EnumNames.HeaderName(status, "CUDA_") ?? $"CUresult {(int)status}";
        return text is null ? name : $"{name} ({text})";
    }

    private static string Format(CuResult status, string call, string? detail, bool sameLine)
        => $"{call} failed: {Describe(status)}" +
           (string.IsNullOrWhiteSpace(detail) ? "" : (sameLine ? ": " : Environment.NewLine) + detail.Trim());
}
