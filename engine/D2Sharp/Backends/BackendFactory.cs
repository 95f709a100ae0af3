using D2Sharp.Backends.Reference;

namespace D2Sharp.Backends;

/// <summary>Maps a device name (<c>--device</c>) to a backend.</summary>
public static class BackendFactory
{
    public static IReadOnlyList<string> Devices { get; } = ["cpu"];

    public static IBackend Create(string device) => device switch
    {
        "cpu" => new ReferenceBackend(),
        "cuda" => throw new D2SharpException("device 'cuda': the CUDA backend is not part of this build yet; use --device cpu"),
        _ => throw new D2SharpException($"unknown device '{device}'; available: {string.Join(", ", Devices)}"),
    };
}
