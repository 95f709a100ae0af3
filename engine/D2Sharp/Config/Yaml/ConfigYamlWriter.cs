using System.Globalization;
using System.Text;
using D2Sharp.Config.Python;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Writes a config as <c>yaml.safe_dump</c> does for yacs' <c>cfg.dump()</c>: keys sorted, block
/// style, sequences at the indentation of their key, floats as Python's <c>repr</c>, strings plain
/// unless PyYAML would read them back as another type or they need quoting. (PyYAML also writes
/// anchors for shared tuples and folds plain strings longer than 80 columns; neither changes what
/// the text loads to, and neither is done here.)
/// </summary>
internal static class ConfigYamlWriter
{
    public static string Write(CfgNode root)
    {
        if (root.Count == 0) return "{}\n";
        var text = new StringBuilder();
        WriteMapping(text, root, indent: 0);
        return text.ToString();
    }

    private static void WriteMapping(StringBuilder text, CfgNode node, int indent)
    {
        foreach (var (key, value) in node.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append(' ', indent).Append(Scalar(key)).Append(':');
            switch (value)
            {
                case CfgNode { Count: > 0 } child:
                    text.Append('\n');
                    WriteMapping(text, child, indent + 2);
                    break;
                case List<object?> { Count: > 0 } list:
                    text.Append('\n');
                    WriteSequence(text, list, indent, firstLineStarted: false);
                    break;
                default:
                    text.Append(' ').Append(FlowValue(value)).Append('\n');
                    break;
            }
        }
    }

    /// <summary>Items as <c>- item</c> lines; a nested list starts on its parent's dash line (<c>- - 32</c>).</summary>
    private static void WriteSequence(StringBuilder text, List<object?> list, int indent, bool firstLineStarted)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (i > 0 || !firstLineStarted) text.Append(' ', indent);
            text.Append("- ");
            if (list[i] is List<object?> { Count: > 0 } inner)
                WriteSequence(text, inner, indent + 2, firstLineStarted: true);
            else
                text.Append(FlowValue(list[i])).Append('\n');
        }
    }

    /// <summary>A scalar, or an empty list/section, which PyYAML writes in flow style.</summary>
    private static string FlowValue(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => Scalar(s),
        List<object?> => "[]",
        CfgNode => "{}",
        _ => throw new ArgumentException($"not a config value: {value.GetType().Name}", nameof(value)),
    };

    /// <summary>PyYAML's <c>represent_float</c>: <c>.nan</c>, <c>.inf</c>, else <c>repr</c> with a dot before any exponent.</summary>
    private static string Float(double value)
    {
        if (double.IsNaN(value)) return ".nan";
        if (double.IsInfinity(value)) return value > 0 ? ".inf" : "-.inf";
        string repr = PythonFloat.Repr(value);
        return !repr.Contains('.') && repr.Contains('e') ? repr.Replace("e", ".0e") : repr;
    }

    private static string Scalar(string value) => YamlStringStyle.CanBePlain(value) ? value
        : YamlStringStyle.NeedsDoubleQuotes(value) ? YamlStringStyle.DoubleQuoted(value)
        : "'" + value.Replace("'", "''") + "'";
}
