using D2Sharp.Config.Python;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// yacs' merges: <c>_merge_a_into_b</c> for a loaded file and <c>merge_from_list</c> for
/// command-line style KEY VALUE pairs. Every string value first goes through Python's
/// <c>literal_eval</c> (so <c>("coco_2017_train",)</c> becomes a tuple and <c>BGR</c> stays a
/// string); then the value must exist in the target and pass <see cref="ValueTypeCheck"/>.
/// </summary>
internal static class ConfigMerger
{
    /// <summary>Merges a loaded file into <paramref name="target"/>; errors from its bases also name <paramref name="topFile"/>.</summary>
    public static void MergeMapping(YamlMapping source, CfgNode target, CfgNode root, string topFile)
    {
        foreach (var (key, entry) in source)
        {
            string fullKey = target.FullKey(key);
            string where = entry.Source.File == topFile ? $" ({entry.Source})" : $" ({entry.Source}, a _BASE_ of {topFile})";
            if (!target.TryGetChild(key, out object? current))
                throw UnknownKey(fullKey, root, where + (key.Contains('.') ? " (a YAML key holds one name; nest the parts)" : ""), entry.Source.File);

            if (entry.Value is YamlMapping section)
            {
                if (current is not CfgNode node)
                    throw ValueTypeCheck.Mismatch(fullKey, current, "a mapping of keys", entry.Source.File, where);
                MergeMapping(section, node, root, topFile);
                continue;
            }
            object? value = entry.Value is string text
                ? DecodeString(text, fullKey, entry.Source.File, where)
                : ConfigValue.DeepClone(entry.Value);
            target.SetChecked(key, ValueTypeCheck.Coerce(value, current, fullKey, entry.Source.File, where));
        }
    }

    public static void MergeList(CfgNode root, IReadOnlyList<string> opts)
    {
        if (opts.Count % 2 != 0)
            throw new ConfigException(
                $"Override list has odd length {opts.Count}; it must be KEY VALUE pairs (e.g. MODEL.RESNETS.DEPTH 101): [{string.Join(", ", opts)}]");
        for (int i = 0; i < opts.Count; i += 2)
        {
            string fullKey = opts[i];
            string where = $" (opts item {i + 1})";
            if (fullKey == BaseChainLoader.BaseKey)
                throw new ConfigException($"The reserved key '{BaseChainLoader.BaseKey}' can only be used in files.", fullKey);
            (CfgNode parent, string leaf, object? current) = FindExisting(root, fullKey, where);
            object? value = DecodeString(opts[i + 1], fullKey, file: null, where);
            parent.SetChecked(leaf, ValueTypeCheck.Coerce(value, current, fullKey, file: null, where));
        }
    }

    /// <summary>yacs' <c>_decode_cfg_value</c> for a string: its <c>literal_eval</c> value, or the string itself.</summary>
    private static object? DecodeString(string text, string fullKey, string? file, string where)
    {
        LiteralResult result = PyLiteralEvaluator.Evaluate(text);
        return result.Outcome switch
        {
            LiteralOutcome.Value => result.Value,
            LiteralOutcome.NotALiteral => text,
            _ => throw new ConfigException(
                $"Config key '{fullKey}'{where}: {text} is a Python {result.UnsupportedType}, which a config value cannot be " +
                "(yacs accepts int, float, bool, str, None, list and tuple).",
                fullKey, file),
        };
    }

    private static (CfgNode Parent, string Leaf, object? Current) FindExisting(CfgNode root, string fullKey, string where)
    {
        string[] parts = fullKey.Split('.');
        CfgNode parent = root;
        foreach (string part in parts[..^1])
        {
            if (!parent.TryGetChild(part, out object? child) || child is not CfgNode section)
                throw UnknownKey(fullKey, root, where, file: null);
            parent = section;
        }
        return parent.TryGetChild(parts[^1], out object? current)
            ? (parent, parts[^1], current)
            : throw UnknownKey(fullKey, root, where, file: null);
    }

    private static ConfigException UnknownKey(string fullKey, CfgNode root, string where, string? file) =>
        new($"Unknown config key '{fullKey}'{where}." + KeySuggestions.Sentence(fullKey, root.AllKeys()), fullKey, file);
}
