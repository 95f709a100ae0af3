using D2Sharp.Config;

namespace D2Sharp.Cli;

/// <summary>
/// The config-reading options behind <c>--strict</c>: without it, what Detectron2 would accept
/// silently (a key written twice keeps its last value) is a warning on stderr; with it, an error.
/// </summary>
internal static class StrictConfig
{
    public static ConfigLoadOptions Options(bool strict) => new()
    {
        Strict = strict,
        OnWarning = warning => Console.Error.WriteLine($"d2sharp: warning: {warning.Message}"),
    };
}
