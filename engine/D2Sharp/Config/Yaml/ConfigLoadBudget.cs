using System.Globalization;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// What one load has used of its <see cref="ConfigLoadOptions"/> limits, shared by every file of
/// its <c>_BASE_</c> chain, so that a chain cannot multiply the limits by naming a file many times.
/// Warnings go through here too, so that strict loading turns them into errors in one place.
/// </summary>
internal sealed class ConfigLoadBudget
{
    public ConfigLoadBudget(ConfigLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBytes, nameof(options.MaxBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxDepth, nameof(options.MaxDepth));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxNodes, nameof(options.MaxNodes));
        Options = options;
    }

    public ConfigLoadOptions Options { get; }

    /// <summary>Bytes of files read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>YAML nodes read so far, aliases counted as the nodes they repeat.</summary>
    public long NodesRead { get; private set; }

    public long BytesLeft => Options.MaxBytes - BytesRead;

    /// <summary>Counts <paramref name="count"/> more bytes read; the caller has checked them against <see cref="BytesLeft"/>.</summary>
    public void ChargeBytes(long count) => BytesRead += count;

    /// <summary>Counts <paramref name="count"/> more nodes, or returns false, counting nothing, when they do not fit.</summary>
    public bool TryChargeNodes(long count)
    {
        if (count > Options.MaxNodes - NodesRead) return false;
        NodesRead += count;
        return true;
    }

    /// <summary>
    /// Hands <paramref name="warning"/> to <see cref="ConfigLoadOptions.OnWarning"/>, or, when loading
    /// is strict, refuses the config with its message and <paramref name="strictRefusal"/>.
    /// </summary>
    public void Warn(ConfigWarning warning, string strictRefusal)
    {
        if (Options.Strict)
            throw new ConfigException($"{warning.Message} {strictRefusal}", warning.Key, warning.File);
        Options.OnWarning?.Invoke(warning);
    }

    /// <summary>A count for messages, with thousands separators (16,777,216).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
