namespace D2Sharp.Config;

/// <summary>
/// Something a config file does that Detectron2 accepts but is likely a mistake, such as a key
/// written twice in one mapping. Reported through <see cref="ConfigLoadOptions.OnWarning"/>;
/// <see cref="ConfigLoadOptions.Strict"/> refuses it instead.
/// </summary>
/// <param name="Message">The whole warning, naming the file, the line(s) and the key.</param>
/// <param name="File">The YAML file it is in.</param>
/// <param name="Line">The 1-based line it is about (for a repeated key, the later one).</param>
/// <param name="Key">The full dotted key, when there is one.</param>
public sealed record ConfigWarning(string Message, string File, int Line, string? Key)
{
    /// <inheritdoc cref="Message"/>
    public override string ToString() => Message;
}
