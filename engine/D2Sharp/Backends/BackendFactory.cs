using D2Sharp.Backends.Reference;

namespace D2Sharp.Backends;

/// <summary>Maps a device name (<c>--device</c>) to a backend.</summary>
public static class BackendFactory
{
    /// <summary>
    /// <c>reference</c>: the executable spec. <c>cpu</c>: the CPU path; it runs the reference
    /// backend until the SIMD backend lands.
    /// </summary>
    public static IReadOnlyList<string> Devices { get; } = ["cpu", "reference"];

    public static IBackend Create(string device, int threads = 0) => device switch
    {
        "cpu" or "reference" => new ReferenceBackend(threads),
        "cuda" => throw new D2SharpException("device 'cuda': the CUDA backend is not part of this build yet; use --device cpu"),
        _ => throw new D2SharpException($"unknown device '{device}'; available: {string.Join(", ", Devices)}"),
    };
}
