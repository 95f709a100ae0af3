namespace D2Sharp.Bindings;

/// <summary>
/// A cuDNN call returned an error. The message reads <c>&lt;call&gt; failed: CUDNN_STATUS_X</c>, followed by
/// cuDNN's last error message (<c>cudnnGetLastErrorString</c>) when it has one.
/// </summary>
public class CudnnException : Exception
{
    /// <summary>Creates the exception for <paramref name="call"/> returning <paramref name="status"/>.</summary>
    public CudnnException(CudnnStatus status, string call)
        : base($"{call} failed: {Describe(status)}")
    {
        Status = status;
        Call = call;
    }

    /// <summary>cuDNN's status code.</summary>
    public CudnnStatus Status { get; }

    /// <summary>The failing call, e.g. <c>cudnnConvolutionForward</c>.</summary>
    public string Call { get; }

    /// <summary>Throws a <see cref="CudnnException"/> unless <paramref name="status"/> is <see cref="CudnnStatus.Success"/>.</summary>
    public static void ThrowIfFailed(CudnnStatus status, string call)
    {
        if (status != CudnnStatus.Success) throw new CudnnException(status, call);
    }

    /// <summary>The status name from <c>cudnnGetErrorString</c> when cuDNN is loaded (else from the enum), plus cuDNN's last error message.</summary>
    public static string Describe(CudnnStatus status)
    {
        string? name = null, last = null;
        if (NativeLibraries.LoadedPath(NativeLibraries.Cudnn) != null)
        {
            try
            {
                name = Cudnn.ErrorString(status);
                last = Cudnn.LastErrorString();
            }
            catch (EntryPointNotFoundException)
            {
                // An older cuDNN without cudnnGetLastErrorString: the name is enough.
            }
        }
        name ??= EnumNames.HeaderName(status, "CUDNN_STATUS_") ?? $"cudnnStatus_t {(int)status}";
        return string.IsNullOrWhiteSpace(last) ? name : $"{name} ({last.Trim()})";
    }
}
