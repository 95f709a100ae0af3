namespace D2Sharp.Config;

/// <summary>
/// A config could not be read, merged or queried: unknown key, wrong value type, missing or cyclic
/// <c>_BASE_</c> file, bad YAML, an expression outside what D2Sharp evaluates. The message names the
/// key and file at fault; <see cref="Key"/> and <see cref="File"/> carry them for callers.
/// </summary>
public sealed class ConfigException : D2SharpException
{
    public ConfigException(string message, string? key = null, string? file = null, Exception? inner = null)
        : base(message, inner!)
    {
        Key = key;
        File = file;
    }

    /// <summary>The full dotted key at fault (<c>MODEL.RESNETS.DEPTH</c>), when one is.</summary>
    public string? Key { get; }

    /// <summary>The YAML file at fault, when one is.</summary>
    public string? File { get; }
}
