using System.Runtime.InteropServices;

namespace D2Sharp.Bindings.Tests;

[Category("Cuda")]
public unsafe class CudaDriverDeviceTests
{
    [Test]
    public void MemoryStreamsEventsAndGraphReplay()
    {
        using var context = CudaDevice.Open();
        const int n = 1 << 16;
        var bytes = (nuint)(n * sizeof(uint));
        using var memory = DeviceMemoryHandle.Allocate(bytes);
        using var stream = CudaStreamHandle.Create();
        var s = stream.DangerousGetHandle();
        using var start = CudaEventHandle.Create();
        using var end = CudaEventHandle.Create();

        start.Record(stream);
        CudaException.ThrowIfFailed(CudaDriver.cuMemsetD32Async(memory.Address, 0xDEADBEEF, (nuint)n, s), "cuMemsetD32Async");
        end.Record(stream);
        end.Synchronize();
        Assert.That(CudaEventHandle.ElapsedMilliseconds(start, end), Is.GreaterThanOrEqualTo(0f));
        Assert.That(CopyBack(memory, n), Is.All.EqualTo(0xDEADBEEFu));

        CudaGraphHandle.BeginCapture(stream);
        CudaException.ThrowIfFailed(CudaDriver.cuMemsetD8Async(memory.Address, 0x5A, bytes, s), "cuMemsetD8Async");
        using var graph = CudaGraphHandle.EndCapture(stream);
        using var exec = CudaGraphExecHandle.Instantiate(graph);
        Assert.That(CopyBack(memory, n), Is.All.EqualTo(0xDEADBEEFu), "capture must not run the work");

        exec.Launch(stream);
        stream.Synchronize();
        Assert.That(CopyBack(memory, n), Is.All.EqualTo(0x5A5A5A5Au));

        var host = new uint[n];
        fixed (uint* p = host)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyHtoD_v2(memory.Address, p, bytes), "cuMemcpyHtoD_v2");
        exec.Launch(stream);
        stream.Synchronize();
        Assert.That(CopyBack(memory, n), Is.All.EqualTo(0x5A5A5A5Au), "the replay must redo the memset");

        CudaException.ThrowIfFailed(CudaDriver.cuMemGetInfo_v2(out var free, out var total), "cuMemGetInfo_v2");
        Assert.That(free, Is.LessThanOrEqualTo(total));
    }

    [Test]
    public void PinnedHostMemoryRoundTrip()
    {
        using var context = CudaDevice.Open();
        using var pinned = PinnedHostMemoryHandle.Allocate(1024 * sizeof(float));
        using var device = DeviceMemoryHandle.Allocate(pinned.Bytes);
        using var stream = CudaStreamHandle.Create();
        var span = pinned.AsSpan<float>();
        for (var i = 0; i < span.Length; i++) span[i] = i * 0.5f;
        var s = stream.DangerousGetHandle();
        CudaException.ThrowIfFailed(CudaDriver.cuMemcpyHtoDAsync_v2(device.Address, pinned.Pointer, pinned.Bytes, s), "cuMemcpyHtoDAsync_v2");
        using var copy = DeviceMemoryHandle.Allocate(pinned.Bytes);
        CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoDAsync_v2(copy.Address, device.Address, pinned.Bytes, s), "cuMemcpyDtoDAsync_v2");
        span.Clear();
        CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoHAsync_v2(pinned.Pointer, copy.Address, pinned.Bytes, s), "cuMemcpyDtoHAsync_v2");
        stream.Synchronize();
        Assert.That(pinned.AsSpan<float>()[1023], Is.EqualTo(511.5f));
    }

    [Test]
    public void BadPtxReportsTheJitErrorLog()
    {
        using var context = CudaDevice.Open();
        var e = Assert.Throws<CudaException>(() => CudaModuleHandle.LoadPtx(".version 7.0\n.target sm_50\n.address_size 64\nnot ptx", out _));
        Assert.That(e!.Status, Is.EqualTo(CuResult.ErrorInvalidPtx));
        Assert.That(e.Message, Does.Contain("cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX"));
    }

    private static uint[] CopyBack(DeviceMemoryHandle memory, int n)
    {
        var host = new uint[n];
        fixed (uint* p = host)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoH_v2(p, memory.Address, (nuint)(n * sizeof(uint))), "cuMemcpyDtoH_v2");
        return host;
    }
}
