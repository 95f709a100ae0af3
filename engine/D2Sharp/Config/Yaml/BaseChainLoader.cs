namespace D2Sharp.Config.Yaml;

/// <summary>
/// fvcore's <c>load_yaml_with_base</c>: a file's <c>_BASE_</c> (one path or a list, relative to
/// the including file, <c>~</c> expanded) is loaded first, recursively; then the file is merged
/// over it. Mappings merge key by key, every other value (lists included) replaces. A cycle, a
/// missing file, a chain deeper than <see cref="ConfigLoadOptions.MaxDepth"/> or one leaving
/// <see cref="ConfigLoadOptions.AllowedRoot"/> is an error naming the chain of files.
/// </summary>
internal static class BaseChainLoader
{
    public const string BaseKey = "_BASE_";

    /// <summary>The merged mapping of <paramref name="path"/> and all its bases, <c>_BASE_</c> removed.</summary>
    public static YamlMapping Load(string path, ConfigLoadBudget budget) => Load(Path.GetFullPath(path), [], budget);

    private static YamlMapping Load(string file, IReadOnlyList<string> includers, ConfigLoadBudget budget)
    {
        string[] chain = [.. includers, file];
        if (includers.Contains(file))
            throw new ConfigException($"_BASE_ cycle: {string.Join(" -> ", chain)}", BaseKey, includers[^1]);
        if (chain.Length > budget.Options.MaxDepth)
            throw new ConfigException(
                $"_BASE_ chain of more than {budget.Options.MaxDepth} files (ConfigLoadOptions.MaxDepth): {string.Join(" -> ", chain)}",
                BaseKey, includers[^1]);
        // Before the file is opened or said to be missing, so that nothing is learnt about files outside the root.
        if (budget.Options.AllowedRoot is string root) AllowedRoot.Check(file, chain, root);
        string namedIn = includers.Count == 0 ? "." : $" (named in _BASE_ of {string.Join(" -> ", includers)}).";
        if (Directory.Exists(file))
            throw new ConfigException($"Config file '{file}' is a folder, not a YAML file{namedIn}", includers.Count == 0 ? null : BaseKey, file);
        if (!File.Exists(file))
            throw new ConfigException($"Config file '{file}' does not exist{namedIn}", includers.Count == 0 ? null : BaseKey, file);

        YamlMapping mapping = YamlFileReader.ReadFile(file, budget) as YamlMapping
            ?? throw new ConfigException($"Config file '{file}' does not hold a YAML mapping of config keys.", file: file);
        if (!mapping.TryGetValue(BaseKey, out YamlEntry baseEntry)) return mapping;

        var merged = new YamlMapping(mapping.Source);
        foreach (string basePath in BasePaths(baseEntry))
            MergeInto(Load(Resolve(basePath, file, baseEntry.Source), chain, budget), merged);
        mapping.Remove(BaseKey);
        MergeInto(mapping, merged);
        return merged;
    }

    private static IEnumerable<string> BasePaths(YamlEntry entry) => entry.Value switch
    {
        string single => [single],
        List<object?> several when several.All(item => item is string) => several.Cast<string>(),
        var other => throw new ConfigException(
            $"{entry.Source}: _BASE_ must be a file path or a list of file paths, not {ConfigValue.Repr(other)}.",
            BaseKey, entry.Source.File),
    };

    private static string Resolve(string basePath, string includingFile, YamlSource source)
    {
        if (basePath.StartsWith("https://", StringComparison.Ordinal) || basePath.StartsWith("http://", StringComparison.Ordinal))
            throw new ConfigException($"{source}: _BASE_ '{basePath}' is a URL; D2Sharp reads local files only.", BaseKey, source.File);
        if (basePath.StartsWith('~'))
            basePath = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + basePath[1..];
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(includingFile)!, basePath));
    }

    /// <summary>Merges <paramref name="source"/> into <paramref name="target"/>: mappings recursively, other values replace.</summary>
    private static void MergeInto(YamlMapping source, YamlMapping target)
    {
        foreach (var (key, entry) in source)
        {
            if (entry.Value is YamlMapping sourceChild && target.TryGetValue(key, out YamlEntry existing))
            {
                if (existing.Value is not YamlMapping targetChild)
                    throw new ConfigException(
                        $"{entry.Source}: cannot inherit key '{key}' from base: the base sets it to {ConfigValue.Repr(existing.Value)} ({existing.Source}), not to a mapping.",
                        key, entry.Source.File);
                MergeInto(sourceChild, targetChild);
            }
            else
            {
                target.Set(key, entry);
            }
        }
    }
}
