using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// Detectron2's config versioning (<c>VERSION</c>, detectron2/config/compat.py). Every model-zoo
/// config is version 2, the latest. A file without VERSION counts as version 2 unless it sets
/// <c>MODEL.WEIGHT</c> or <c>TEST.AUG_ON</c>, which Detectron2 takes as the sign of version 1.
/// Older versions, which Detectron2 upgrades by renaming keys, are refused with an explanation.
/// </summary>
internal static class ConfigVersion
{
    public const long Latest = 2;
    public const string Key = "VERSION";

    public static void CheckTarget(CfgNode target)
    {
        if (!target.TryGetChild(Key, out object? version) || version is not Latest)
            throw new ConfigException(
                $"Merging a file needs a config of the latest version {Latest} (as ConfigDefaults.Create() gives); this one has VERSION {ConfigValue.Repr(version)}.",
                Key);
    }

    public static void CheckLoaded(YamlMapping loaded, string file)
    {
        if (loaded.TryGetValue(Key, out YamlEntry entry))
        {
            if (entry.Value is not long version)
                throw new ConfigException($"{entry.Source}: VERSION must be an int, not {ConfigValue.Repr(entry.Value)}.", Key, entry.Source.File);
            if (version > Latest)
                throw new ConfigException($"{entry.Source}: cannot merge a v{version} config into a v{Latest} config.", Key, entry.Source.File);
            if (version < Latest)
                throw Outdated($"'{file}' is a v{version} config", file);
            return;
        }
        string? oldKey = new[] { "MODEL.WEIGHT", "TEST.AUG_ON" }.FirstOrDefault(key => Has(loaded, key));
        if (oldKey is not null)
            throw Outdated($"'{file}' has no VERSION and sets {oldKey}, so Detectron2 takes it as a v1 config", file);
    }

    private static ConfigException Outdated(string what, string file) =>
        new($"{what}. D2Sharp reads v{Latest} configs only (Detectron2 upgrades older ones through " +
            $"detectron2/config/compat.py); rename the keys as its ConverterV1/ConverterV2 list and set VERSION: {Latest}.",
            Key, file);

    private static bool Has(YamlMapping mapping, string dottedKey)
    {
        object? current = mapping;
        foreach (string part in dottedKey.Split('.'))
        {
            if (current is not YamlMapping section || !section.TryGetValue(part, out YamlEntry entry)) return false;
            current = entry.Value;
        }
        return true;
    }
}
