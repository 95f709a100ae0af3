using System.Text;

namespace D2Sharp;

/// <summary>
/// Base type of every error D2Sharp raises on bad input or a failed native call. Messages often
/// quote what a file held (a key, a name, a decoder's complaint), so control characters in them
/// are escaped (<c>\u0000</c>) and a message can never carry NUL bytes or terminal escapes; line
/// breaks are kept for the errors that list several problems.
/// </summary>
public class D2SharpException : Exception
{
    /// <summary>An error described by <paramref name="message"/> (control characters escaped).</summary>
    public D2SharpException(string message) : base(Sanitize(message)) { }

    /// <summary>An error described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public D2SharpException(string message, Exception inner) : base(Sanitize(message), inner) { }

    /// <summary>
    /// <paramref name="text"/> with its control characters written as <c>\uXXXX</c>; line feeds are
    /// kept unless <paramref name="keepLineBreaks"/> is false (for text quoted from a file, which
    /// must stay on its line).
    /// </summary>
    public static string Sanitize(string? text, bool keepLineBreaks = true)
    {
        bool Escaped(char c) => char.IsControl(c) && !(keepLineBreaks && c == '\n');
        if (string.IsNullOrEmpty(text) || !text.Any(Escaped)) return text ?? "";
        var clean = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (Escaped(c)) clean.Append($"\\u{(int)c:X4}");
            else clean.Append(c);
        }
        return clean.ToString();
    }
}
