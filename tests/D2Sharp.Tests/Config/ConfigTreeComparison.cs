using D2Sharp.Config;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Tests.Config;

/// <summary>
/// Compares a config with a plain YAML dump of one (Detectron2's <c>cfg.dump()</c>), key by key in
/// both directions. Tuples are dumped as lists; floats match exactly or to 1e-12 relative.
/// </summary>
internal static class ConfigTreeComparison
{
    public static List<string> Differences(YamlMapping expected, CfgNode actual, IReadOnlyCollection<string> keysOnlyInActual)
    {
        var differences = new List<string>();
        Compare(expected, actual, keysOnlyInActual, differences);
        return differences;
    }

    private static void Compare(YamlMapping expected, CfgNode actual, IReadOnlyCollection<string> keysOnlyInActual, List<string> differences)
    {
        foreach (var (key, entry) in expected)
        {
            string fullKey = actual.FullKey(key);
            if (!actual.ContainsKey(key))
            {
                differences.Add($"{fullKey}: missing");
                continue;
            }
            object? value = actual.GetValue(key);
            if (entry.Value is YamlMapping section)
            {
                if (value is CfgNode node) Compare(section, node, keysOnlyInActual, differences);
                else differences.Add($"{fullKey}: expected a section, got {Describe(value)}");
            }
            else if (!ValuesMatch(entry.Value, value))
            {
                differences.Add($"{fullKey}: expected {Describe(entry.Value)}, got {Describe(value)}");
            }
        }
        foreach (string key in actual.Keys)
        {
            string fullKey = actual.FullKey(key);
            if (!expected.TryGetValue(key, out _) && !keysOnlyInActual.Contains(fullKey))
                differences.Add($"{fullKey}: not in the expected config");
        }
    }

    private static bool ValuesMatch(object? expected, object? actual) => (expected, actual) switch
    {
        (double e, double a) => e == a || Math.Abs(e - a) <= 1e-12 * Math.Abs(e),
        (List<object?> e, List<object?> a) => e.Count == a.Count && e.Zip(a).All(pair => ValuesMatch(pair.First, pair.Second)),
        (null, null) => true,
        (null, _) or (_, null) => false,
        _ => expected.GetType() == actual.GetType() && expected.Equals(actual),
    };

    private static string Describe(object? value) => value switch
    {
        List<object?> list => "[" + string.Join(", ", list.Select(Describe)) + "]",
        null => "None",
        _ => $"{value} ({value.GetType().Name})",
    };
}
