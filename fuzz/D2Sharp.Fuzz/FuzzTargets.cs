using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Weights;

namespace D2Sharp.Fuzz;

/// <summary>
/// The loaders under fuzzing. Each reads a file the way a user's file reaches it (through its
/// path, so that extension dispatch and file checks are fuzzed too); a typed
/// <see cref="D2SharpException"/> is the expected answer to bad bytes, and anything else escapes
/// and is a finding.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>Target name → (file extension the input is written with, loader).</summary>
    public static readonly IReadOnlyDictionary<string, (string Extension, Action<string> Load)> All =
        new Dictionary<string, (string, Action<string>)>(StringComparer.Ordinal)
        {
            ["config"] = (".yaml", path => ConfigLoader.Load(path)),
            ["checkpoint"] = (".pkl", path => CheckpointLoader.Load(path)),
            ["pth"] = (".pth", path => CheckpointLoader.Load(path)),
            ["npy"] = (".npy", path => Npy.Read(path)),
            ["npz"] = (".npz", path => Npz.Read(path)),
            ["png"] = (".png", path => ImageLoader.Load(path, "BGR")),
            ["jpeg"] = (".jpg", path => ImageLoader.Load(path, "BGR")),
        };

    /// <summary>Writes <paramref name="input"/> to <paramref name="scratch"/> and loads it; typed errors are swallowed.</summary>
    public static void Run(Action<string> load, Stream input, string scratch)
    {
        using (var file = File.Create(scratch)) input.CopyTo(file);
        try
        {
            load(scratch);
        }
        catch (D2SharpException)
        {
            // The answer bad input should get.
        }
    }
}
