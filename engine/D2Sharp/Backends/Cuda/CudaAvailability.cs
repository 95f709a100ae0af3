using D2Sharp.Bindings;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// Whether the CUDA backend can run on this machine, and if not, the first reason: no driver
/// library, no device, no cuDNN or cuBLAS, or a build without our kernels. Never throws; the tests
/// of category Cuda are ignored with this reason, and <c>--device auto</c> falls back to the CPU.
/// </summary>
public static class CudaAvailability
{
    private static (bool, string?)? _cached;

    /// <summary>
    /// Whether this process can use a CUDA device: the driver, cuDNN and cuBLAS load, <c>cuInit</c>
    /// succeeds and a device exists. Probed once and cached; Reason says what failed (the paths
    /// tried for a library that is missing).
    /// </summary>
    public static (bool Available, string? Reason) Check() => _cached ??= Probe();

    private static (bool, string?) Probe()
    {
        foreach (var library in new[] { NativeLibraries.Cuda, NativeLibraries.Cudnn, NativeLibraries.Cublas })
            if (!NativeLibraries.TryLoad(library, out string? error)) return (false, error);
        try
        {
            var init = CudaDriver.cuInit(0);
            if (init != CuResult.Success) return (false, $"cuInit failed: {CudaException.Describe(init)}");
            var counted = CudaDriver.cuDeviceGetCount(out int count);
            if (counted != CuResult.Success) return (false, $"cuDeviceGetCount failed: {CudaException.Describe(counted)}");
            if (count == 0) return (false, "the CUDA driver reports no device");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (false, e.Message);
        }
        if (KernelPtx.Stems.Count == 0)
            return (false, "this D2Sharp build carries no CUDA kernels (it was built without nvcc; see README, CUDA)");
        return (true, null);
    }
}
