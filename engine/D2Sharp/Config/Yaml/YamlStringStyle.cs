using System.Globalization;
using System.Text;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// How PyYAML's emitter (<c>analyze_scalar</c>, block context, <c>allow_unicode=False</c>) quotes a
/// string: plain when it reads back as the same string, single quotes when it contains indicator
/// characters, double quotes with escapes when it contains anything outside printable ASCII.
/// </summary>
internal static class YamlStringStyle
{
    private const string LeadingIndicators = "#,[]{}&*!|>'\"%@`";

    public static bool NeedsDoubleQuotes(string value) => value.Any(c => c is < ' ' or > '~');

    public static bool CanBePlain(string value)
    {
        if (value.Length == 0 || NeedsDoubleQuotes(value)) return false;
        if (YamlScalarResolver.ImplicitTag(value) != YamlScalarResolver.StrTag) return false;
        if (value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal)) return false;
        if (value[0] == ' ' || value[^1] == ' ') return false;

        bool precededBySpace = true;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool followedBySpace = i + 1 == value.Length || value[i + 1] == ' ';
            bool indicator = i == 0
                ? LeadingIndicators.Contains(c) || (c is '?' or ':' or '-' && followedBySpace)
                : (c == ':' && followedBySpace) || (c == '#' && precededBySpace);
            if (indicator) return false;
            precededBySpace = c == ' ';
        }
        return true;
    }

    public static string DoubleQuoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\0' => "\\0",
                '\a' => "\\a",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\v",
                '\f' => "\\f",
                '\r' => "\\r",
                '\x1B' => "\\e",
                >= ' ' and <= '~' => c.ToString(),
                <= '\xFF' => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return text.Append('"').ToString();
    }
}
