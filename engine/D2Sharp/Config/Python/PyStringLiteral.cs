using System.Globalization;
using System.Text;

namespace D2Sharp.Config.Python;

/// <summary>
/// Python string literals: single, double and triple quotes; the <c>r</c>, <c>b</c>, <c>u</c> and
/// <c>f</c> prefixes; and the escape sequences of Python 3 (unknown escapes keep their backslash).
/// </summary>
internal static class PyStringLiteral
{
    private static readonly HashSet<string> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "r", "u", "b", "f", "br", "rb", "fr", "rf",
    };

    public static bool IsPrefix(string name) => Prefixes.Contains(name);

    /// <summary>Reads the literal whose opening quote is at <paramref name="i"/>.</summary>
    public static PyToken Scan(string source, ref int i, string prefix)
    {
        int start = i - prefix.Length;
        string lower = prefix.ToLowerInvariant();
        bool raw = lower.Contains('r');
        PyStringKind kind = lower.Contains('b') ? PyStringKind.Bytes : lower.Contains('f') ? PyStringKind.Formatted : PyStringKind.Text;
        char quote = source[i];
        bool triple = i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote;
        i += triple ? 3 : 1;

        var value = new StringBuilder();
        bool namedEscape = false;
        while (true)
        {
            if (i >= source.Length) throw new PythonSyntaxException($"unterminated string literal at position {start}");
            char c = source[i];
            if (c == quote && (!triple || (i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote)))
            {
                i += triple ? 3 : 1;
                break;
            }
            if (c is '\n' or '\r' && !triple) throw new PythonSyntaxException($"unterminated string literal at position {start}");
            if (c == '\\' && i + 1 < source.Length)
            {
                if (raw)
                {
                    value.Append(c).Append(source[i + 1]);
                    i += 2;
                }
                else
                {
                    namedEscape |= DecodeEscape(source, ref i, value, kind);
                }
                continue;
            }
            if (kind == PyStringKind.Bytes && c > 0x7F)
                throw new PythonSyntaxException("bytes can only contain ASCII literal characters");
            value.Append(c);
            i++;
        }
        return new PyToken(PyTokenKind.String, source[start..i], new PyStringPiece(value.ToString(), kind, namedEscape), start);
    }

    /// <summary>Decodes the escape at <paramref name="i"/> (a backslash); returns true for <c>\N{...}</c>.</summary>
    private static bool DecodeEscape(string source, ref int i, StringBuilder value, PyStringKind kind)
    {
        char e = source[i + 1];
        i += 2;
        switch (e)
        {
            case '\n' or '\r':
                i = PyTokenizer.SkipLineBreak(source, i - 1);
                return false;
            case '\\' or '\'' or '"': value.Append(e); return false;
            case 'a': value.Append('\a'); return false;
            case 'b': value.Append('\b'); return false;
            case 'f': value.Append('\f'); return false;
            case 'n': value.Append('\n'); return false;
            case 'r': value.Append('\r'); return false;
            case 't': value.Append('\t'); return false;
            case 'v': value.Append('\v'); return false;
            case >= '0' and <= '7':
                int octalEnd = i - 1;
                while (octalEnd < source.Length && octalEnd < i + 2 && source[octalEnd] is >= '0' and <= '7') octalEnd++;
                value.Append((char)Convert.ToInt32(source[(i - 1)..octalEnd], 8));
                i = octalEnd;
                return false;
            case 'x':
                AppendCodePoint(value, ReadHex(source, ref i, 2, "\\xXX"));
                return false;
            case 'u' when kind != PyStringKind.Bytes:
                AppendCodePoint(value, ReadHex(source, ref i, 4, "\\uXXXX"));
                return false;
            case 'U' when kind != PyStringKind.Bytes:
                AppendCodePoint(value, ReadHex(source, ref i, 8, "\\UXXXXXXXX"));
                return false;
            case 'N' when kind != PyStringKind.Bytes:
                int close = source.IndexOf('}', i);
                if (i >= source.Length || source[i] != '{' || close < 0)
                    throw new PythonSyntaxException("malformed \\N character escape");
                i = close + 1;
                return true;
            default:
                value.Append('\\').Append(e);
                return false;
        }
    }

    private static int ReadHex(string source, ref int i, int count, string form)
    {
        if (i + count > source.Length
            || !long.TryParse(source.AsSpan(i, count), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long code))
            throw new PythonSyntaxException($"truncated {form} escape");
        i += count;
        return code > 0x10FFFF ? throw new PythonSyntaxException("illegal Unicode character") : (int)code;
    }

    private static void AppendCodePoint(StringBuilder value, int code)
    {
        if (code <= char.MaxValue) value.Append((char)code);
        else value.Append(char.ConvertFromUtf32(code));
    }
}
