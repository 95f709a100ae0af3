using System.Text;

namespace D2Sharp.Bindings;

/// <summary>A value, or why it could not be obtained.</summary>
public readonly record struct Reported<T>(bool Available, T? Value, string? Reason)
{
    /// <summary>An obtained value.</summary>
    public static Reported<T> Of(T value) => new(true, value, null);

    /// <summary>No value, because of <paramref name="reason"/>.</summary>
    public static Reported<T> Unavailable(string reason) => new(false, default, reason);

    /// <inheritdoc/>
    public override string ToString() => Available ? $"{Value}" : $"unavailable: {Reason}";
}

/// <summary>One CUDA device as <see cref="CudaInfo.Query"/> saw it.</summary>
public sealed record DeviceReport(int Ordinal, string Name, int ComputeCapabilityMajor, int ComputeCapabilityMinor,
    int MultiprocessorCount, ulong TotalMemoryBytes)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"{Ordinal}: {Name}, sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}, {MultiprocessorCount} SMs, {TotalMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB";
}

/// <summary>
/// What <c>d2sharp info</c> prints: versions of the driver, cuDNN and cuBLAS and the devices, each either a
/// value or the reason it is unavailable. <see cref="DriverVersion"/> and the library versions are encoded as
/// the libraries report them (driver 12040 = 12.4, cuDNN 90600 = 9.6.0, cuBLAS 120604 = 12.6.4).
/// </summary>
public sealed record DriverReport(
    Reported<string> DriverLibrary,
    Reported<int> DriverVersion,
    Reported<int> DeviceCount,
    IReadOnlyList<Reported<DeviceReport>> Devices,
    Reported<string> CudnnLibrary,
    Reported<long> CudnnVersion,
    Reported<string> CublasLibrary,
    Reported<int> CublasVersion)
{
    /// <summary>True when at least one device can be used.</summary>
    public bool HasDevice => Devices.Any(d => d.Available);

    /// <inheritdoc/>
    public override string ToString()
    {
        // A library that did not load says why once; its version and devices would only repeat it.
        var sb = new StringBuilder();
        sb.AppendLine($"CUDA driver: {DriverLibrary}");
        if (DriverLibrary.Available)
        {
            sb.AppendLine($"  version: {DriverVersion}");
            sb.AppendLine($"  devices: {DeviceCount}");
            foreach (var device in Devices) sb.AppendLine($"    {device}");
        }
        sb.AppendLine($"cuDNN: {CudnnLibrary}");
        if (CudnnLibrary.Available) sb.AppendLine($"  version: {CudnnVersion}");
        sb.AppendLine($"cuBLAS: {CublasLibrary}");
        if (CublasLibrary.Available) sb.AppendLine($"  version: {CublasVersion}");
        return sb.ToString().TrimEnd();
    }
}

/// <summary>Asks the installed CUDA stack what it has, without ever throwing.</summary>
public static class CudaInfo
{
    /// <summary>
    /// Loads what it can and reports each part or the reason it is missing (library not found with every path
    /// tried, <c>cuInit</c>'s error name, a missing export). Creates no context.
    /// </summary>
    public static DriverReport Query()
    {
        var driverLibrary = Library(NativeLibraries.Cuda);
        var driverVersion = Reported<int>.Unavailable(driverLibrary.Reason ?? "");
        var deviceCount = driverVersion;
        var devices = new List<Reported<DeviceReport>>();
        if (driverLibrary.Available)
        {
            driverVersion = Attempt(() =>
            {
                var status = CudaDriver.cuDriverGetVersion(out var version);
                return status == CuResult.Success ? Reported<int>.Of(version) : Failed<int>("cuDriverGetVersion", status);
            });
            deviceCount = Attempt(() =>
            {
                var status = CudaDriver.cuInit(0);
                if (status != CuResult.Success) return Failed<int>("cuInit", status);
                status = CudaDriver.cuDeviceGetCount(out var count);
                return status == CuResult.Success ? Reported<int>.Of(count) : Failed<int>("cuDeviceGetCount", status);
            });
            for (var i = 0; i < (deviceCount.Available ? deviceCount.Value : 0); i++)
            {
                var ordinal = i;
                devices.Add(Attempt(() => Reported<DeviceReport>.Of(Device(ordinal))));
            }
        }

        var cudnnLibrary = Library(NativeLibraries.Cudnn);
        var cudnnVersion = cudnnLibrary.Available
            ? Attempt(() => Reported<long>.Of((long)Cudnn.cudnnGetVersion()))
            : Reported<long>.Unavailable(cudnnLibrary.Reason!);

        var cublasLibrary = Library(NativeLibraries.Cublas);
        var cublasVersion = cublasLibrary.Available
            ? Attempt(() =>
            {
                var parts = new int[3];
                for (var p = 0; p < 3; p++)
                {
                    var status = Cublas.cublasGetProperty((LibraryPropertyType)p, out parts[p]);
                    if (status != CublasStatus.Success)
                        return Reported<int>.Unavailable($"cublasGetProperty failed: {CublasException.Describe(status)}");
                }
                return Reported<int>.Of(parts[0] * 10000 + parts[1] * 100 + parts[2]);
            })
            : Reported<int>.Unavailable(cublasLibrary.Reason!);

        return new DriverReport(driverLibrary, driverVersion, deviceCount, devices, cudnnLibrary, cudnnVersion, cublasLibrary, cublasVersion);
    }

    private static DeviceReport Device(int ordinal)
    {
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceGet(out var device, ordinal), nameof(CudaDriver.cuDeviceGet));
        int Attribute(CuDeviceAttribute a)
        {
            CudaException.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out var v, a, device), $"{nameof(CudaDriver.cuDeviceGetAttribute)}({a})");
            return v;
        }
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceTotalMem_v2(out var bytes, device), nameof(CudaDriver.cuDeviceTotalMem_v2));
        return new DeviceReport(ordinal, CudaDriver.DeviceName(device), Attribute(CuDeviceAttribute.ComputeCapabilityMajor),
            Attribute(CuDeviceAttribute.ComputeCapabilityMinor), Attribute(CuDeviceAttribute.MultiprocessorCount), bytes);
    }

    private static Reported<string> Library(string library)
    {
        try
        {
            return NativeLibraries.TryLoad(library, out var error)
                ? Reported<string>.Of(NativeLibraries.LoadedPath(library)!)
                : Reported<string>.Unavailable(error!);
        }
        catch (Exception e)
        {
            return Reported<string>.Unavailable($"{library}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Reported<T> Failed<T>(string call, CuResult status) => Reported<T>.Unavailable($"{call} failed: {CudaException.Describe(status)}");

    private static Reported<T> Attempt<T>(Func<Reported<T>> query)
    {
        try
        {
            return query();
        }
        catch (Exception e)
        {
            return Reported<T>.Unavailable($"{e.GetType().Name}: {e.Message}");
        }
    }
}
