namespace D2Sharp.Bindings.Tests;

public class ExceptionTests
{
    [Test]
    public void CudaExceptionCarriesStatusCallAndHeaderName()
    {
        var e = new CudaException(CuResult.ErrorNoDevice, "cuDeviceGet");
        Assert.Multiple(() =>
        {
            Assert.That(e.Status, Is.EqualTo(CuResult.ErrorNoDevice));
            Assert.That(e.Call, Is.EqualTo("cuDeviceGet"));
            Assert.That(e.Message, Does.StartWith("cuDeviceGet failed: CUDA_ERROR_NO_DEVICE"));
        });
    }

    [Test]
    public void OutOfDeviceMemorySaysWhatWasAskedAndWhatIsFree()
    {
        var e = CudaException.OutOfMemory("cuMemAlloc_v2", 3UL << 30, 1UL << 29, 80UL << 30);
        Assert.Multiple(() =>
        {
            Assert.That(e.Status, Is.EqualTo(CuResult.ErrorOutOfMemory));
            Assert.That(e.Message, Does.StartWith("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY"));
            Assert.That(e.Message, Does.EndWith(": requested 3.00 GiB, 512.0 MiB free of 80.00 GiB"));
            Assert.That(e.RequestedBytes, Is.EqualTo(3UL << 30));
            Assert.That(e.FreeBytes, Is.EqualTo(1UL << 29));
        });
        Assert.That(CudaException.OutOfMemory("cuMemAlloc_v2", 1UL << 20, null, null).Message, Does.EndWith(": requested 1.0 MiB"));
    }

    [Test]
    public void ThrowIfFailedThrowsOnlyOnErrors()
    {
        Assert.DoesNotThrow(() => CudaException.ThrowIfFailed(CuResult.Success, "x"));
        Assert.DoesNotThrow(() => CudnnException.ThrowIfFailed(CudnnStatus.Success, "x"));
        Assert.DoesNotThrow(() => CublasException.ThrowIfFailed(CublasStatus.Success, "x"));
        Assert.Multiple(() =>
        {
            Assert.That(() => CudaException.ThrowIfFailed(CuResult.ErrorOutOfMemory, "cuMemAlloc_v2"),
                Throws.TypeOf<CudaException>().With.Message.Contains("CUDA_ERROR_OUT_OF_MEMORY"));
            Assert.That(() => CudnnException.ThrowIfFailed(CudnnStatus.BadParamNullPointer, "cudnnCreate"),
                Throws.TypeOf<CudnnException>().With.Message.Contains("CUDNN_STATUS_BAD_PARAM_NULL_POINTER").And.Property(nameof(CudnnException.Call)).EqualTo("cudnnCreate"));
            Assert.That(() => CublasException.ThrowIfFailed(CublasStatus.ExecutionFailed, "cublasSgemm_v2"),
                Throws.TypeOf<CublasException>().With.Message.Contains("CUBLAS_STATUS_EXECUTION_FAILED"));
        });
    }

    [Test]
    public void AliasedCudnnCodesUseTheCurrentName()
        => Assert.That(CudnnException.Describe(CudnnStatus.InternalErrorHostAllocationFailed), Does.StartWith("CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED"));

    [Test]
    public void UnknownCodesStillFormat()
        => Assert.That(new CudnnException((CudnnStatus)4242, "f").Message, Does.Contain("4242"));
}
