using D2Sharp.Config;

namespace D2Sharp.Cli;

/// <summary>
/// Detectron2's <c>demo.py</c> takes the checkpoint and the device from the config
/// (<c>MODEL.WEIGHTS</c>, <c>MODEL.DEVICE</c>, usually given in <c>--opts</c>); <c>d2sharp run</c>
/// does too, when <c>--weights</c> or <c>--device</c> is not given. D2Sharp downloads nothing, so a
/// URL in <c>MODEL.WEIGHTS</c> is an error that says what to do.
/// </summary>
internal static class ConfigRunSettings
{
    private static readonly string[] RemoteSchemes = ["http://", "https://", "detectron2://", "catalog://", "s3://", "gs://"];

    /// <summary><paramref name="given"/>, else <c>MODEL.WEIGHTS</c> when set, else null (weights initialised).</summary>
    public static string? Weights(CfgNode cfg, string? given)
    {
        if (given != null) return given;
        string weights = cfg.GetString("MODEL.WEIGHTS");
        if (weights.Length == 0) return null;
        if (RemoteSchemes.Any(scheme => weights.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)))
            throw new D2SharpException($"MODEL.WEIGHTS is '{weights}': D2Sharp downloads nothing; fetch the file and pass --weights F " +
                "(or --opts MODEL.WEIGHTS \"\" to run with initialised weights)");
        if (!File.Exists(weights))
            throw new D2SharpException($"MODEL.WEIGHTS is '{weights}': no such file (a relative path is read from the current folder, as in Detectron2)");
        return weights;
    }

    /// <summary>
    /// <paramref name="given"/>, else <c>MODEL.DEVICE</c>: <c>cpu</c> stays, <c>cuda:N</c> stays, and
    /// Detectron2's default <c>cuda</c> becomes <c>auto</c> (the GPU when one can run, else the CPU),
    /// so that a config written for a GPU still runs where there is none.
    /// </summary>
    public static string Device(CfgNode cfg, string? given)
    {
        if (given != null) return given;
        string device = cfg.GetString("MODEL.DEVICE");
        return device == "cuda" ? "auto" : device;
    }
}
