namespace D2Sharp.Bindings.Tests;

/// <summary>Shared set-up of the <c>Cuda</c> category: a current primary context on device 0, or Assert.Ignore with the reason.</summary>
internal static class CudaDevice
{
    public static CudaContextHandle Open()
    {
        if (!NativeLibraries.TryLoad(NativeLibraries.Cuda, out var error)) Assert.Ignore($"no CUDA device: {error}");
        var status = CudaDriver.cuInit(0);
        if (status != CuResult.Success) Assert.Ignore($"no CUDA device: cuInit failed: {CudaException.Describe(status)}");
        status = CudaDriver.cuDeviceGetCount(out var count);
        if (status != CuResult.Success || count == 0)
            Assert.Ignore($"no CUDA device: cuDeviceGetCount → {count} ({CudaException.Describe(status)})");
        var context = CudaContextHandle.RetainPrimary(0);
        context.MakeCurrent();
        return context;
    }

    public static void RequireLibrary(string library)
    {
        if (!NativeLibraries.TryLoad(library, out var error)) Assert.Ignore($"{library} unavailable: {error}");
    }
}
