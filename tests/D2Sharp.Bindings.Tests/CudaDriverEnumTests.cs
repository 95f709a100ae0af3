namespace D2Sharp.Bindings.Tests;

/// <summary>Driver enums against the installed <c>/usr/include/cuda.h</c> (CUDA 11.8 from Debian's nvidia-cuda-dev).</summary>
public class CudaDriverEnumTests
{
    private static string CudaH => HeaderEnums.Read("cuda.h");

    [Test]
    public void CuResultHasEveryCodeOfCudaH()
    {
        var header = HeaderEnums.Members(CudaH, "CUresult");
        Assert.That(header, Has.Count.GreaterThan(80));
        HeaderEnums.AssertMatches<CuResult>(header, "CUDA_");
        Assert.That(CuResult.ErrorNoDevice, Is.EqualTo((CuResult)100));
    }

    [Test]
    public void CuDeviceAttributeMatchesCudaH()
    {
        var header = HeaderEnums.Members(CudaH, "CUdevice_attribute");
        // 92-94 and 122-123 are deliberately absent (CUDA 12 swapped their names); _MAX is a sentinel.
        var skipped = header.Where(h => h.Value is 92 or 93 or 94 or 122 or 123 || h.Name.EndsWith("_MAX", StringComparison.Ordinal))
            .Select(h => h.Name).ToArray();
        HeaderEnums.AssertMatches<CuDeviceAttribute>(header, "CU_DEVICE_ATTRIBUTE_", skip: skipped);
        Assert.That(Enum.GetValues<CuDeviceAttribute>().Select(v => (int)v), Has.None.AnyOf(92, 93, 94, 122, 123));
    }

    [Test]
    public void CuJitOptionMatchesCudaHImplicitNumbering()
    {
        var header = HeaderEnums.Members(CudaH, "CUjit_option");
        HeaderEnums.AssertMatches<CuJitOption>(header, "CU_JIT_", skip: "CU_JIT_NUM_OPTIONS");
        Assert.That((int)CuJitOption.ErrorLogBufferSizeBytes, Is.EqualTo(6));
    }

    [Test]
    public void CuStreamCaptureModeMatchesCudaH()
        => HeaderEnums.AssertMatches<CuStreamCaptureMode>(HeaderEnums.Members(CudaH, "CUstreamCaptureMode"), "CU_STREAM_CAPTURE_MODE_");

    [Test]
    public void CuFunctionAttributeMatchesCudaH()
        => HeaderEnums.AssertMatches<CuFunctionAttribute>(HeaderEnums.Members(CudaH, "CUfunction_attribute"), "CU_FUNC_ATTRIBUTE_",
            skip: "CU_FUNC_ATTRIBUTE_MAX");

    [Test]
    public void StreamAndEventFlagsMatchCudaH()
    {
        var text = CudaH;
        Assert.That(HeaderEnums.Members(text, "CUstream_flags").Single(m => m.Name == "CU_STREAM_NON_BLOCKING").Value, Is.EqualTo(CudaDriver.StreamNonBlocking));
        Assert.That(HeaderEnums.Members(text, "CUevent_flags").Single(m => m.Name == "CU_EVENT_DISABLE_TIMING").Value, Is.EqualTo(CudaDriver.EventDisableTiming));
    }

    [Test]
    public void ExceptionNamesEveryHeaderCodeLikeTheHeader()
    {
        // Without the driver's cuGetErrorName the message falls back to the enum name; it must spell the header's.
        foreach (var (name, value) in HeaderEnums.Members(CudaH, "CUresult"))
            Assert.That(CudaException.Describe((CuResult)value), Does.StartWith(name));
    }
}
