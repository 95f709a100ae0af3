namespace D2Sharp.Config.Yaml;

/// <summary>
/// A path with every symbolic link in it resolved, as POSIX <c>realpath</c> gives it, so that a
/// link inside an allowed folder cannot lead a <c>_BASE_</c> chain outside it. Parts that do not
/// exist are kept as written.
/// </summary>
internal static class RealPath
{
    /// <summary>Linux's MAXSYMLINKS: following more links than this means they form a loop.</summary>
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        int linksFollowed = 0;
        return Resolve(Path.GetFullPath(path), path, ref linksFollowed);
    }

    private static string Resolve(string fullPath, string original, ref int linksFollowed)
    {
        string resolved = Path.GetPathRoot(fullPath)!;
        string[] parts = fullPath[resolved.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(resolved, parts[i]);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                resolved = next;
                continue;
            }
            if (++linksFollowed > MaxLinks)
                throw new ConfigException($"'{original}' goes through more than {MaxLinks} symbolic links (a loop?).", file: original);
            // The target replaces the link; it is relative to the link's folder and may hold links itself.
            string rest = Path.Combine(parts[(i + 1)..]);
            return Resolve(Path.GetFullPath(Path.Combine(Path.GetFullPath(target, resolved), rest)), original, ref linksFollowed);
        }
        return resolved;
    }
}
