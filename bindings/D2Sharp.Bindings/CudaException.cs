namespace D2Sharp.Bindings;

/// <summary>A CUDA driver call returned an error. The message reads <c>&lt;call&gt; failed: CUDA_ERROR_X (&lt;driver's description&gt;)</c>.</summary>
public class CudaException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> returning <paramref name="status"/>; <paramref name="detail"/> (a JIT log, say) is appended.</summary>
    public CudaException(CuResult status, string call, string? detail = null)
        : base(Format(status, call, detail))
    {
        Status = status;
        Call = call;
    }

    /// <summary>The driver's status code.</summary>
    public CuResult Status { get; }

    /// <summary>The failing call, e.g. <c>cuMemAlloc_v2</c>.</summary>
    public string Call { get; }

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

    private static string Format(CuResult status, string call, string? detail)
        => $"{call} failed: {Describe(status)}" + (string.IsNullOrWhiteSpace(detail) ? "" : Environment.NewLine + detail.Trim());
}
