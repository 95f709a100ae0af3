namespace D2Sharp.Config.Yaml;

/// <summary>
/// <see cref="ConfigLoadOptions.AllowedRoot"/>: every file of a <c>_BASE_</c> chain must lie inside
/// one folder, links resolved, so that a downloaded config cannot make a service read
/// <c>../../secrets.yaml</c> (its values would then show in error messages and dumps).
/// </summary>
internal static class AllowedRoot
{
    /// <summary>Path comparison as the file system compares: Windows' and macOS' ignore case by default.</summary>
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Refuses <paramref name="file"/>, the last of <paramref name="chain"/>, when it lies outside <paramref name="root"/>.</summary>
    public static void Check(string file, IReadOnlyList<string> chain, string root)
    {
        string realRoot = RealPath.Resolve(root);
        string realFile = RealPath.Resolve(file);
        string prefix = Path.EndsInDirectorySeparator(realRoot) ? realRoot : realRoot + Path.DirectorySeparatorChar;
        if (realFile.StartsWith(prefix, PathComparison)) return;

        string resolvedTo = realFile == file ? "" : $" ('{file}' resolves to '{realFile}')";
        string where = $"the allowed root '{realRoot}' (ConfigLoadOptions.AllowedRoot){resolvedTo}";
        throw chain.Count == 1
            ? new ConfigException($"Config file '{file}' is outside {where}.", file: file)
            : new ConfigException($"_BASE_ chain leaves {where}: {string.Join(" -> ", chain)}", BaseChainLoader.BaseKey, chain[^2]);
    }
}
