namespace D2Sharp.Config.Defaults;

/// <summary>
/// Adds documented keys to one section of the defaults, so that each default sits next to the
/// one-line description <see cref="ConfigDefaults.Describe"/> returns for it.
/// </summary>
internal sealed class DefaultsSection(CfgNode node, Dictionary<string, string> descriptions)
{
    /// <summary>An empty list or tuple (<c>()</c> / <c>[]</c> in defaults.py).</summary>
    public static readonly object[] Empty = [];

    /// <summary>Adds a nested section and returns it.</summary>
    public DefaultsSection Section(string key, string description)
    {
        node.Add(key, new CfgNode());
        descriptions.Add(node.FullKey(key), description);
        return new DefaultsSection(node.GetNode(key), descriptions);
    }

    /// <summary>Adds a value (C# ints become Python ints, doubles floats, arrays lists) and returns this section.</summary>
    public DefaultsSection Value(string key, object? value, string description)
    {
        node.Add(key, value);
        descriptions.Add(node.FullKey(key), description);
        return this;
    }
}
