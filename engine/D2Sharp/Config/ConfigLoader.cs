using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// Detectron2's <c>cfg = get_cfg(); cfg.merge_from_file(path); cfg.merge_from_list(opts)</c>.
/// Each merge is all-or-nothing: when it throws, the config is left as it was.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The defaults, then <paramref name="yamlPath"/> with its <c>_BASE_</c> chain, then <paramref name="opts"/>.</summary>
    public static CfgNode Load(string yamlPath, IReadOnlyList<string>? opts = null)
    {
        CfgNode cfg = ConfigDefaults.Create();
        MergeFromFile(cfg, yamlPath);
        if (opts is not null) MergeFromList(cfg, opts);
        return cfg;
    }

    /// <summary>
    /// Merges a YAML file (and, first, its <c>_BASE_</c> files, paths relative to the including
    /// file) into <paramref name="cfg"/>: every key must already exist and keep its type.
    /// </summary>
    public static void MergeFromFile(CfgNode cfg, string yamlPath)
    {
        string file = Path.GetFullPath(yamlPath);
        ConfigVersion.CheckTarget(cfg);
        YamlMapping loaded = BaseChainLoader.Load(file);
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
