using System.Collections;
using System.Diagnostics.CodeAnalysis;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// A section of a Detectron2 config (Detectron2's <c>CfgNode</c>, itself fvcore's and yacs'):
/// ordered keys whose values follow the yacs value model: <see cref="long"/> (Python int),
/// <see cref="double"/> (float), <see cref="bool"/>, <see cref="string"/>, <c>null</c> (None),
/// <see cref="List{T}"/> of those (Python list and tuple) and nested <see cref="CfgNode"/> sections.
/// Keys are addressed with dotted paths relative to this node (<c>MODEL.RESNETS.DEPTH</c>).
/// Existing keys change only through type-checked operations, as yacs merges do.
/// </summary>
public sealed partial class CfgNode : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly OrderedDictionary<string, object?> _entries = new(StringComparer.Ordinal);

    /// <summary>An empty root section.</summary>
    public CfgNode() : this("") { }

    private CfgNode(string keyPath) => KeyPath = keyPath;

    /// <summary>The dotted key of this section from the root (<c>""</c> for the root), used in messages.</summary>
    public string KeyPath { get; }

    /// <summary>The number of direct children.</summary>
    public int Count => _entries.Count;

    /// <summary>The names of the direct children, in insertion order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Every dotted key below this node, sections and values, depth first, relative to this node.</summary>
    public IEnumerable<string> AllKeys()
    {
        foreach (var (key, value) in _entries)
        {
            yield return key;
            if (value is CfgNode child)
                foreach (string below in child.AllKeys())
                    yield return key + "." + below;
        }
    }

    /// <summary>Whether a value or section exists at <paramref name="dottedKey"/> (relative to this node); never throws for a missing key.</summary>
    public bool ContainsKey(string dottedKey) => TryFind(dottedKey, out _, out _, out _);

    /// <summary>
    /// The value at <paramref name="dottedKey"/>: a section is returned as the live node, a list as
    /// a copy (change values through <see cref="Set"/>).
    /// </summary>
    /// <exception cref="ConfigException">The key does not exist; the message lists the closest known keys.</exception>
    public object? GetValue(string dottedKey)
    {
        object? value = Find(dottedKey);
        return value is CfgNode ? value : ConfigValue.DeepClone(value);
    }

    /// <summary>The section at <paramref name="dottedKey"/> (live, not a copy).</summary>
    public CfgNode GetNode(string dottedKey)
    {
        object? value = Find(dottedKey);
        return value as CfgNode ?? throw WrongType(dottedKey, value, "a config section");
    }

    /// <summary>
    /// Replaces the value of an existing key, checked as yacs checks merged values: the type must
    /// match the current value's exactly (int is not float, bool is not int), None may replace or be
    /// replaced by any plain value, lists and tuples are interchangeable. C# integral types count as
    /// int, <see cref="float"/> as float, sequences as lists. A string is stored as given (no literal
    /// evaluation; use <see cref="ConfigLoader.MergeFromList"/> for command-line style values).
    /// </summary>
    public void Set(string dottedKey, object? value)
    {
        (CfgNode parent, string leaf, object? current) = FindEntry(dottedKey);
        string fullKey = FullKey(dottedKey);
        if (current is CfgNode)
            throw new ConfigException($"Config key '{fullKey}' is a section; set the keys inside it instead.", fullKey);
        object? replacement = ConfigValue.FromClr(value, fullKey);
        parent._entries[leaf] = ValueTypeCheck.Coerce(replacement, current, fullKey, file: null);
    }

    /// <summary>
    /// Adds a key that does not exist yet, the way Detectron2 projects extend the defaults
    /// (<c>cfg.MODEL.NEW_KEY = value</c> before merging files). A section value is copied in.
    /// </summary>
    public void Add(string dottedKey, object? value)
    {
        string fullKey = FullKey(dottedKey);
        int lastDot = dottedKey.LastIndexOf('.');
        CfgNode parent = lastDot < 0 ? this : GetNode(dottedKey[..lastDot]);
        string leaf = dottedKey[(lastDot + 1)..];
        if (leaf.Length == 0)
            throw new ConfigException($"Config key '{fullKey}' has an empty name.", fullKey);
        if (parent._entries.ContainsKey(leaf))
            throw new ConfigException($"Config key '{fullKey}' already exists.", fullKey);
        parent._entries.Add(leaf, value is CfgNode node ? node.CopyAt(fullKey) : ConfigValue.FromClr(value, fullKey));
    }

    /// <summary>A deep copy.</summary>
    public CfgNode Clone() => CopyAt(KeyPath);

    /// <summary>Same keys in the same sections with the same value types and values (floats exactly).</summary>
    public bool ContentEquals(CfgNode other) =>
        Count == other.Count &&
        _entries.All(entry => other._entries.TryGetValue(entry.Key, out object? value) && ConfigValue.DeepEquals(entry.Value, value));

    /// <summary>The config as YAML, as Detectron2's <c>cfg.dump()</c> writes it: sorted keys, block style.</summary>
    public string ToYaml() => ConfigYamlWriter.Write(this);

    /// <summary>The direct children in order: values as stored (lists live, not copied) and sections as <see cref="CfgNode"/>.</summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary><c>CfgNode(root)</c>, or <c>CfgNode(KEY.PATH)</c> for a section; use <see cref="ToYaml"/> for the contents.</summary>
    public override string ToString() => KeyPath.Length == 0 ? "CfgNode(root)" : $"CfgNode({KeyPath})";

    internal bool TryGetChild(string key, out object? value) => _entries.TryGetValue(key, out value);

    /// <summary>Stores a value already checked by the caller (the merge code).</summary>
    internal void SetChecked(string key, object? value) => _entries[key] = value;

    /// <summary>Takes over the children of <paramref name="source"/>, a modified clone of this node.</summary>
    internal void ReplaceContents(CfgNode source)
    {
        _entries.Clear();
        foreach (var (key, value) in source._entries) _entries.Add(key, value);
    }

    internal string FullKey(string relativeKey) => KeyPath.Length == 0 ? relativeKey : KeyPath + "." + relativeKey;

    private CfgNode CopyAt(string path)
    {
        var copy = new CfgNode(path);
        foreach (var (key, value) in _entries)
        {
            string childPath = path.Length == 0 ? key : path + "." + key;
            copy._entries.Add(key, value is CfgNode child ? child.CopyAt(childPath) : ConfigValue.DeepClone(value));
        }
        return copy;
    }

    private object? Find(string dottedKey) => FindEntry(dottedKey).Value;

    private (CfgNode Parent, string Leaf, object? Value) FindEntry(string dottedKey)
    {
        string fullKey = FullKey(dottedKey);
        ConfigReadLog.Note(fullKey);
        if (TryFind(dottedKey, out CfgNode? parent, out string leaf, out object? value)) return (parent, leaf, value);
        throw new ConfigException(
            $"Config key '{fullKey}' does not exist." + KeySuggestions.Sentence(fullKey, AllKeys().Select(FullKey)),
            fullKey);
    }

    private bool TryFind(string dottedKey, [NotNullWhen(true)] out CfgNode? parent, out string leaf, out object? value)
    {
        string[] parts = dottedKey.Split('.');
        parent = this;
        leaf = parts[^1];
        value = null;
        foreach (string part in parts[..^1])
        {
            if (!parent._entries.TryGetValue(part, out object? child) || child is not CfgNode section)
            {
                parent = null;
                return false;
            }
            parent = section;
        }
        if (parent._entries.TryGetValue(leaf, out value)) return true;
        parent = null;
        return false;
    }
}
