using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Hybrid;
using D2Sharp.Backends.Reference;

namespace D2Sharp.Backends;

/// <summary>Maps a device name (<c>--device</c>) to a backend.</summary>
public static class BackendFactory
{
    /// <summary>
    /// <c>cpu</c>: the fast CPU backend. <c>reference</c>: the executable spec every backend is checked
    /// against. <c>cuda</c> or <c>cuda:N</c>: GPU N (default 0), with the ops that have no CUDA kernel
    /// yet (the heads past their convolutions) on the CPU backend (<see cref="HybridBackend"/>).
    /// <c>auto</c>: <c>cuda</c> when the CUDA backend can run here (<see cref="CudaAvailability"/>),
    /// else <c>cpu</c>.
    /// </summary>
    public static IReadOnlyList<string> Devices { get; } = ["cpu", "reference", "cuda", "auto"];

    /// <summary>The devices that run on any machine (no GPU needed).</summary>
    public static IReadOnlyList<string> HostDevices { get; } = ["cpu", "reference"];

    /// <summary>A new backend for <paramref name="device"/>, one of <see cref="Devices"/> or <c>cuda:N</c>.</summary>
    /// <param name="device"><c>cpu</c>, <c>reference</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>.</param>
    /// <param name="threads">Host threads per bound model (the CPU backend, or the CPU part of <c>cuda</c>); 0 means one per processor.</param>
    /// <param name="precision">Convolution math on CUDA; anything but <see cref="CudaPrecision.Fp32"/> needs a <c>cuda</c> device.</param>
    /// <exception cref="D2SharpException">The device name is unknown, or a precision other than fp32 is asked of a host device.</exception>
    public static IBackend Create(string device, int threads = 0, CudaPrecision precision = CudaPrecision.Fp32)
    {
        if (device == "auto") device = CudaAvailability.Check().Available ? "cuda" : "cpu";
        if (precision != CudaPrecision.Fp32 && !device.StartsWith("cuda", StringComparison.Ordinal))
            throw new D2SharpException($"precision {precision.ToString().ToLowerInvariant()} applies to the cuda device only, not '{device}'");
        return device switch
        {
            "cpu" => new CpuBackend(threads),
            "reference" => new ReferenceBackend(threads),
            "cuda" => Gpu(0, threads, precision),
            _ when device.StartsWith("cuda:", StringComparison.Ordinal) =>
                int.TryParse(device.AsSpan(5), out int ordinal) && ordinal >= 0
                    ? Gpu(ordinal, threads, precision)
                    : throw new D2SharpException($"device '{device}': cuda:N needs a device number N of 0 or more"),
            _ => throw new D2SharpException($"unknown device '{device}'; available: cpu, reference, cuda, cuda:N, auto"),
        };
    }

    private static HybridBackend Gpu(int ordinal, int threads, CudaPrecision precision) =>
        new(new CudaBackend(ordinal, precision), new CpuBackend(threads));

    /// <summary>Parses <c>--precision</c>: fp32 (default) or tf32.</summary>
    public static CudaPrecision ParsePrecision(string? text) => text switch
    {
        null or "fp32" => CudaPrecision.Fp32,
        "tf32" => CudaPrecision.Tf32,
        _ => throw new D2SharpException($"unknown precision '{text}'; available: fp32, tf32"),
    };
}
