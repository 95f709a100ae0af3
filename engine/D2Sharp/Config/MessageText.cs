using System.Text;

namespace D2Sharp.Config;

/// <summary>
/// Text quoted from a config file into a message or warning is untrusted: a key or value may hold
/// control characters (a YAML escape such as <c>"\e[2J"</c> writes one), and a terminal showing the
/// message would act on them. They are written as <c>\uXXXX</c> instead.
/// </summary>
internal static class MessageText
{
    public static string EscapeControlCharacters(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (char.IsControl(c)) escaped.Append($"\\u{(int)c:X4}");
            else escaped.Append(c);
        }
        return escaped.ToString();
    }
}
