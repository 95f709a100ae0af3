using System.Collections;
using System.Globalization;
using System.Text;
using D2Sharp.Config.Python;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Config;

/// <summary>
/// The value model of a config, mirroring what yacs accepts: <see cref="long"/> (Python int),
/// <see cref="double"/> (float), <see cref="bool"/>, <see cref="string"/>, <c>null</c> (None),
/// <see cref="List{T}"/> of those (Python list and tuple alike: yacs converts freely between them
/// and dumps both as YAML sequences) and <see cref="CfgNode"/> for sections.
/// </summary>
internal static class ConfigValue
{
    /// <summary>The Python type name of a value, as yacs' error messages print it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        CfgNode => "CfgNode",
        _ => value.GetType().Name,
    };

    /// <summary>
    /// Converts a value handed in from C# into the value model: integral types become
    /// <see cref="long"/>, <see cref="float"/> becomes <see cref="double"/>, any non-string
    /// sequence becomes a list. Anything else has no Python counterpart a config may hold.
    /// </summary>
    public static object? FromClr(object? value, string key) => value switch
    {
        null or bool or long or double or string or CfgNode => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        float f => (double)f,
        IEnumerable items => ListFromClr(items, key),
        _ => throw new ConfigException(
            $"Config key '{key}' cannot hold a {value.GetType().Name}; a config value is an int, float, bool, str, None or a list of those.",
            key),
    };

    private static List<object?> ListFromClr(IEnumerable items, string key)
    {
        var list = new List<object?>();
        foreach (object? item in items)
        {
            object? converted = FromClr(item, key);
            if (converted is CfgNode)
                throw new ConfigException($"Config key '{key}' cannot hold a list containing a config section.", key);
            list.Add(converted);
        }
        return list;
    }

    public static object? DeepClone(object? value) => value switch
    {
        List<object?> list => list.Select(DeepClone).ToList(),
        CfgNode node => node.Clone(),
        _ => value,
    };

    /// <summary>Same type and same value, recursively; floats compare exactly.</summary>
    public static bool DeepEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => DeepEquals(p.First, p.Second)),
        (CfgNode x, CfgNode y) => x.ContentEquals(y),
        (double x, double y) => x.Equals(y),
        (null, _) or (_, null) => false,
        _ => a.GetType() == b.GetType() && a.Equals(b),
    };

    /// <summary>How long a value's rendering in a message may be; longer ones end in "...".</summary>
    public const int MaxReprLength = 200;

    /// <summary>
    /// A Python-style rendering for messages: <c>'BGR'</c>, <c>True</c>, <c>None</c>, <c>[0.5, 1.0]</c>.
    /// At most <see cref="MaxReprLength"/> characters and "...", and it stops walking a value there:
    /// a list a config file repeats through aliases may hold millions of items.
    /// </summary>
    public static string Repr(object? value)
    {
        var text = new StringBuilder();
        AppendRepr(text, value);
        return text.Length <= MaxReprLength ? text.ToString() : text.ToString(0, MaxReprLength) + "...";
    }

    private static void AppendRepr(StringBuilder text, object? value)
    {
        if (text.Length > MaxReprLength) return;
        switch (value)
        {
            case null: text.Append("None"); break;
            case bool b: text.Append(b ? "True" : "False"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: text.Append(PythonFloat.Repr(d)); break;
            case string s:
                string shown = s.Length > MaxReprLength ? s[..(MaxReprLength + 1)] : s;
                text.Append('\'').Append(shown.Replace("\\", "\\\\").Replace("'", "\\'")).Append('\'');
                break;
            case List<object?> list:
                text.Append('[');
                for (int i = 0; i < list.Count && text.Length <= MaxReprLength; i++)
                {
                    if (i > 0) text.Append(", ");
                    AppendRepr(text, list[i]);
                }
                text.Append(']');
                break;
            case CfgNode: text.Append("CfgNode(...)"); break;
            case YamlMapping: text.Append("{...}"); break;
            default: text.Append(value); break;
        }
    }
}
