using System.Buffers.Binary;
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
    /// <summary>A fuzz target: the file extension its input is written with, how the input is prepared, the loader.</summary>
    public sealed record Target(string Extension, Action<string> Load, Func<byte[], byte[]>? Prepare = null);

    /// <summary>Target name → target.</summary>
    public static readonly IReadOnlyDictionary<string, Target> All = new Dictionary<string, Target>(StringComparer.Ordinal)
    {
        ["config"] = new(".yaml", path => ConfigLoader.Load(path)),
        ["checkpoint"] = new(".pkl", path => CheckpointLoader.Load(path)),
        ["pth"] = new(".pth", path => CheckpointLoader.Load(path)),
        ["npy"] = new(".npy", path => Npy.Read(path)),
        ["npz"] = new(".npz", path => Npz.Read(path)),
        // Mutations almost always break a chunk's CRC, which the loader checks first (as PIL does):
        // the harness repairs the CRCs so that the fuzzer reaches the chunk parsing and the decoder.
        ["png"] = new(".png", path => ImageLoader.Load(path, "BGR"), RepairPngCrcs),
        ["jpeg"] = new(".jpg", path => ImageLoader.Load(path, "BGR")),
    };

    /// <summary>Writes <paramref name="input"/> (prepared) to <paramref name="scratch"/> and loads it; typed errors are swallowed.</summary>
    public static void Run(Target target, Stream input, string scratch)
    {
        var bytes = new MemoryStream();
        input.CopyTo(bytes);
        byte[] data = target.Prepare is { } prepare ? prepare(bytes.ToArray()) : bytes.ToArray();
        File.WriteAllBytes(scratch, data);
        try
        {
            target.Load(scratch);
        }
        catch (D2SharpException)
        {
            // The answer bad input should get.
        }
    }

    /// <summary>Rewrites the CRC of every whole chunk after the PNG signature; the rest is left as it is.</summary>
    private static byte[] RepairPngCrcs(byte[] png)
    {
        const int signature = 8;
        for (long at = signature; at + 12 <= png.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan((int)at));
            if (at + 12 + length > png.Length) break;
            uint crc = PngCrc.Compute(png.AsSpan((int)at + 4, (int)length + 4));
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan((int)(at + 8 + length)), crc);
            at += 12 + length;
        }
        return png;
    }
}
