using System.Globalization;
using System.Text;

namespace D2Sharp.IO;

/// <summary>
/// Parses the small subset of Python literal syntax that numpy writes into a <c>.npy</c> header
/// (what <c>ast.literal_eval</c> would accept for it): dicts, tuples, lists, quoted strings,
/// integers (with Python 2's <c>L</c> suffix), <c>True</c>, <c>False</c> and <c>None</c>.
/// Written by hand rather than with a general evaluator so a hostile header can only fail to parse.
/// </summary>
/// <remarks>
/// Results: <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, <c>null</c>,
/// <see cref="PythonTuple"/>, <see cref="List{T}"/> of objects, and
/// <see cref="Dictionary{TKey,TValue}"/> keyed by string.
/// </remarks>
internal sealed class PythonLiteral
{
    /// <summary>A parsed tuple; kept distinct from a list because numpy requires the shape to be a tuple.</summary>
    internal sealed record PythonTuple(IReadOnlyList<object?> Items);

    /// <summary>Nesting deeper than this is not a numpy header; the limit keeps recursion bounded.</summary>
    private const int MaxDepth = 32;

    private readonly string _text;
    private int _pos;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/> as one literal surrounded by optional whitespace.</summary>
    /// <exception cref="FormatException">The text is not a literal of the supported subset.</exception>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        object? value = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (parser._pos != text.Length)
            throw parser.Error("unexpected text after the literal");
        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth) throw Error("nesting too deep");
        SkipWhitespace();
        if (_pos >= _text.Length) throw Error("unexpected end of text");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ParseDict(depth);
            case '(':
            {
                var (items, sawComma) = ParseSequence(')', depth);
                // "(x)" is just a parenthesised value; only a comma (or "()") makes a tuple.
                return items.Count == 1 && !sawComma ? items[0] : new PythonTuple(items);
            }
            case '[': return ParseSequence(']', depth).Items;
            case '\'' or '"': return ParseString();
        }
        if (c is '-' or '+' || char.IsAsciiDigit(c)) return ParseInteger();
        if (char.IsAsciiLetter(c)) return ParseName();
        throw Error($"unexpected character '{c}'");
    }

    private Dictionary<string, object?> ParseDict(int depth)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        _pos++; // '{'
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('}')) return dict;
            if (ParseValue(depth + 1) is not string key) throw Error("dict keys must be strings");
            SkipWhitespace();
            if (!TryConsume(':')) throw Error("expected ':' after a dict key");
            object? value = ParseValue(depth + 1);
            if (!dict.TryAdd(key, value)) throw Error($"duplicate key '{key}'");
            SkipWhitespace();
            if (TryConsume('}')) return dict;
            if (!TryConsume(',')) throw Error("expected ',' or '}' in a dict");
        }
    }

    private (List<object?> Items, bool SawComma) ParseSequence(char close, int depth)
    {
        var items = new List<object?>();
        bool sawComma = false;
        _pos++; // opening bracket
        while (true)
        {
            SkipWhitespace();
            if (TryConsume(close)) return (items, sawComma);
            items.Add(ParseValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(close)) return (items, sawComma);
            if (!TryConsume(',')) throw Error($"expected ',' or '{close}'");
            sawComma = true;
        }
    }

    private string ParseString()
    {
        char quote = _text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unterminated string");
            char c = _text[_pos++];
            if (c == quote) return sb.ToString();
            if (c == '\n') throw Error("newline inside a string");
            if (c != '\\') { sb.Append(c); continue; }
            if (_pos >= _text.Length) throw Error("unterminated string");
            char escaped = _text[_pos++];
            sb.Append(escaped switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                '\\' or '\'' or '"' => escaped,
                _ => throw Error($"unsupported escape '\\{escaped}'"),
            });
        }
    }

    private long ParseInteger()
    {
        int start = _pos;
        if (_text[_pos] is '-' or '+') _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        string digits = _text[start.._pos];
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Error($"bad integer '{digits}'");
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++; // Python 2 long suffix
        return value;
    }

    private object? ParseName()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        string name = _text[start.._pos];
        return name switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            _ => throw Error($"unexpected name '{name}' (only True, False and None are literals)"),
        };
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private FormatException Error(string what) => new($"{what} at offset {_pos}");
}
