using Microsoft.Win32.SafeHandles;

namespace D2Sharp.Bindings;

/// <summary>A cuBLAS context; disposing destroys it (<c>cublasDestroy_v2</c>).</summary>
public sealed class CublasHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CublasHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates a cuBLAS context on the current context's device.</summary>
    public static CublasHandle Create()
    {
        CublasException.ThrowIfFailed(Cublas.cublasCreate_v2(out var value), nameof(Cublas.cublasCreate_v2));
        return new CublasHandle(value);
    }

    /// <summary>Runs this context's later calls on <paramref name="stream"/> (resets the workspace to cuBLAS's pool).</summary>
    public void SetStream(CudaStreamHandle stream)
        => CublasException.ThrowIfFailed(Cublas.cublasSetStream_v2(handle, stream.DangerousGetHandle()), nameof(Cublas.cublasSetStream_v2));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cublas.cublasDestroy_v2(handle) == CublasStatus.Success;
}
