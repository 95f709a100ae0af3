using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// Detectron2's <c>cfg = get_cfg(); cfg.merge_from_file(path); cfg.merge_from_list(opts)</c>.
/// Each merge is all-or-nothing: when it throws, the config is left as it was. YAML files are read
/// as untrusted input, within the limits of a <see cref="ConfigLoadOptions"/>
/// (<see cref="ConfigLoadOptions.Default"/> when none is given).
/// </summary>
public static class ConfigLoader
{
    /// <summary>The defaults, then <paramref name="yamlPath"/> with its <c>_BASE_</c> chain, then <paramref name="opts"/>.</summary>
    /// <exception cref="ConfigException">A file is missing, unreadable, not UTF-8, not valid YAML, over a limit of
    /// <see cref="ConfigLoadOptions.Default"/>, or sets an unknown key or a value of the wrong type.</exception>
    public static CfgNode Load(string yamlPath, IReadOnlyList<string>? opts = null) => Load(yamlPath, opts, ConfigLoadOptions.Default);

    /// <summary>
    /// The defaults, then <paramref name="yamlPath"/> with its <c>_BASE_</c> chain read as
    /// <paramref name="options"/> says, then <paramref name="opts"/>.
    /// </summary>
    /// <exception cref="ConfigException">As <see cref="Load(string, IReadOnlyList{string}?)"/>, with the limits of
    /// <paramref name="options"/>; also a file outside <see cref="ConfigLoadOptions.AllowedRoot"/>, and a warning when
    /// <see cref="ConfigLoadOptions.Strict"/>.</exception>
    public static CfgNode Load(string yamlPath, IReadOnlyList<string>? opts, ConfigLoadOptions options)
    {
        CfgNode cfg = ConfigDefaults.Create();
        MergeFromFile(cfg, yamlPath, options);
        if (opts is not null) MergeFromList(cfg, opts);
        return cfg;
    }

    /// <summary>
    /// Merges a YAML file (and, first, its <c>_BASE_</c> files, paths relative to the including
    /// file) into <paramref name="cfg"/>: every key must already exist and keep its type.
    /// </summary>
    public static void MergeFromFile(CfgNode cfg, string yamlPath) => MergeFromFile(cfg, yamlPath, ConfigLoadOptions.Default);

    /// <summary>
    /// <see cref="MergeFromFile(CfgNode, string)"/>, reading the files as <paramref name="options"/> says.
    /// </summary>
    public static void MergeFromFile(CfgNode cfg, string yamlPath, ConfigLoadOptions options)
    {
        string file = Path.GetFullPath(yamlPath);
        var budget = new ConfigLoadBudget(options);
        ConfigVersion.CheckTarget(cfg);
        YamlMapping loaded = BaseChainLoader.Load(file, budget);
        ConfigVersion.CheckLoaded(loaded, file);
        CfgNode merged = cfg.Clone();
        ConfigMerger.MergeMapping(loaded, merged, merged, file);
        cfg.ReplaceContents(merged);
    }

    /// <summary>
    /// Merges command-line style pairs <c>["MODEL.RESNETS.DEPTH", "101", ...]</c>. Values are read
    /// as Python literals when they are (<c>"[False,True,True,True]"</c>, <c>"0.5"</c>,
    /// <c>"('a', 'b')"</c>) and as plain strings otherwise (<c>"cpu"</c>).
    /// </summary>
    public static void MergeFromList(CfgNode cfg, IReadOnlyList<string> opts)
    {
        CfgNode merged = cfg.Clone();
        ConfigMerger.MergeList(merged, opts);
        cfg.ReplaceContents(merged);
    }
}
