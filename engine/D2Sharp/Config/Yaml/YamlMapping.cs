using System.Collections;

namespace D2Sharp.Config.Yaml;

/// <summary>Where a YAML value was written: file and 1-based line.</summary>
internal readonly record struct YamlSource(string File, int Line)
{
    public override string ToString() => $"{File}, line {Line}";
}

/// <summary>A mapping value with the place its key was written, so that errors can point at it.</summary>
internal readonly record struct YamlEntry(object? Value, YamlSource Source);

/// <summary>
/// A YAML mapping as PyYAML loads it into a dict: string keys in order of first appearance, a
/// repeated key keeps its first position and its last value. Values are <see cref="long"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>, <c>null</c>,
/// <see cref="List{T}"/> or nested <see cref="YamlMapping"/>s.
/// </summary>
internal sealed class YamlMapping(YamlSource source) : IEnumerable<KeyValuePair<string, YamlEntry>>
{
    private readonly OrderedDictionary<string, YamlEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Where the mapping starts.</summary>
    public YamlSource Source { get; } = source;

    public bool TryGetValue(string key, out YamlEntry entry) => _entries.TryGetValue(key, out entry);

    public void Set(string key, YamlEntry entry) => _entries[key] = entry;

    public bool Remove(string key) => _entries.Remove(key);

    public IEnumerator<KeyValuePair<string, YamlEntry>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
