using System.Reflection;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// The PTX of <c>kernels/*.cu</c> embedded in this assembly by the build (resources
/// <c>D2Sharp.Kernels.&lt;stem&gt;.sm80.ptx</c> and <c>.sm90.ptx</c>), for the driver to JIT at
/// module load. A build without nvcc and without PTX from an earlier Cake <c>Kernels</c> run
/// embeds none: <see cref="Stems"/> is then empty.
/// </summary>
internal static class KernelPtx
{
    private const string Prefix = "D2Sharp.Kernels.";

    /// <summary>The compute capabilities the PTX was built for, best first.</summary>
    private static readonly (int Major, int Minor, string Suffix)[] Targets = [(9, 0, ".sm90.ptx"), (8, 0, ".sm80.ptx")];

    private static Assembly Assembly => typeof(KernelPtx).Assembly;

    /// <summary>The kernel files (stems such as <c>deform_conv2d</c>) with embedded PTX, sorted.</summary>
    public static IReadOnlyList<string> Stems { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".ptx", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..n.LastIndexOf(".sm", StringComparison.Ordinal)])
        .Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The PTX of <paramref name="stem"/> for the newest target the device runs (sm90 from compute
    /// capability 9.0, else sm80), NUL-terminated as cuModuleLoadDataEx wants it; null when it is
    /// not embedded or the device is older than 8.0.
    /// </summary>
    public static byte[]? Load(string stem, int computeCapabilityMajor, int minor)
    {
        foreach (var (major, targetMinor, suffix) in Targets)
        {
            if (computeCapabilityMajor < major || (computeCapabilityMajor == major && minor < targetMinor)) continue;
            using var stream = Assembly.GetManifestResourceStream(Prefix + stem + suffix);
            if (stream is null) continue;
            var ptx = new byte[stream.Length + 1];
            stream.ReadExactly(ptx, 0, (int)stream.Length);
            return ptx;
        }
        return null;
    }
}
