namespace D2Sharp.Bindings;

/// <summary>A cuBLAS call returned an error. The message reads <c>&lt;call&gt; failed: CUBLAS_STATUS_X (&lt;description&gt;)</c>.</summary>
public class CublasException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> returning <paramref name="status"/>.</summary>
    public CublasException(CublasStatus status, string call)
        : base($"{call} failed: {Describe(status)}")
    {
        Status = status;
        Call = call;
    }

    /// <summary>cuBLAS's status code.</summary>
    public CublasStatus Status { get; }

    /// <summary>The failing call, e.g. <c>cublasSgemm_v2</c>.</summary>
    public string Call { get; }

    /// <summary>Throws a <see cref="CublasException"/> unless <paramref name="status"/> is <see cref="CublasStatus.Success"/>.</summary>
    public static void ThrowIfFailed(CublasStatus status, string call)
    {
        if (status != CublasStatus.Success) throw new CublasException(status, call);
    }

    /// <summary>Name and description from <c>cublasGetStatusName</c>/<c>cublasGetStatusString</c> when cuBLAS is loaded, else the enum's name.</summary>
    public static string Describe(CublasStatus status)
    {
        string? name = null, text = null;
        if (NativeLibraries.LoadedPath(NativeLibraries.Cublas) != null)
        {
            name = Cublas.StatusName(status);
            text = Cublas.StatusString(status);
        }
        name ??= EnumNames.HeaderName(status, "CUBLAS_STATUS_") ?? $"cublasStatus_t {(int)status}";
        return text is null ? name : $"{name} ({text})";
    }
}
