using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Reference;

namespace D2Sharp.Backends;

/// <summary>Maps a device name (<c>--device</c>) to a backend.</summary>
public static class BackendFactory
{
    /// <summary><c>cpu</c>: the fast CPU backend. <c>reference</c>: the executable spec every backend is checked against.</summary>
    public static IReadOnlyList<string> Devices { get; } = ["cpu", "reference"];

    public static IBackend Create(string device, int threads = 0) => device switch
    {
        "cpu" => new CpuBackend(threads),
        "reference" => new ReferenceBackend(threads),
        "cuda" => throw new D2SharpException("device 'cuda': the CUDA backend is not part of this build yet; use --device cpu"),
        _ => throw new D2SharpException($"unknown device '{device}'; available: {string.Join(", ", Devices)}"),
    };
}
