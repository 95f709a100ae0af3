namespace D2Sharp.Config;

/// <summary>
/// Records, on the current thread, the full keys every <see cref="CfgNode"/> lookup reads. It
/// tells exactly which keys a model build and a run depend on, so the tests can sweep those keys
/// with hostile values rather than guess them; when nothing records, a lookup pays one null check.
/// </summary>
internal static class ConfigReadLog
{
    [ThreadStatic]
    private static HashSet<string>? _keys;

    /// <summary>Starts recording into a new set, returned; <see cref="Stop"/> ends it.</summary>
    public static HashSet<string> Start() => _keys = new HashSet<string>(StringComparer.Ordinal);

    public static void Stop() => _keys = null;

    public static void Note(string fullKey) => _keys?.Add(fullKey);
}
