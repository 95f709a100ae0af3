namespace D2Sharp.Config;

/// <summary>
/// A config could not be read, merged or queried: unknown key, wrong value type, missing or cyclic
/// <c>_BASE_</c> file, bad YAML, an expression outside what D2Sharp evaluates. The message names the
/// key and file at fault; <see cref="Key"/> and <see cref="File"/> carry them for callers.
/// The message holds no control characters: those of keys and values quoted from a file are
/// written as <c>\uXXXX</c>.
/// </summary>
public sealed class ConfigException : D2SharpException
{
    /// <summary>An error with <paramref name="message"/> (control characters escaped), the key and file at fault, and its cause.</summary>
    public ConfigException(string message, string? key = null, string? file = null, Exception? inner = null)
        : base(Sanitize(message, keepLineBreaks: false), inner!)
    {
        Key = key;
        File = file;
    }

    /// <summary>The full dotted key at fault (<c>MODEL.RESNETS.DEPTH</c>), when one is.</summary>
    public string? Key { get; }

    /// <summary>The YAML file at fault, when one is.</summary>
    public string? File { get; }

}
