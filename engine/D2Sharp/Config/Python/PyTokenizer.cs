namespace D2Sharp.Config.Python;

/// <summary>
/// Splits the text of one Python expression into tokens, following Python's lexical rules for the
/// parts configs use: numbers, strings (prefixes, escapes, implicit concatenation is left to the
/// parser), names, operators, comments, and newlines that only count outside brackets.
/// </summary>
internal static class PyTokenizer
{
    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "...",
        "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "->", ":=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=",
        "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "+", "-", "*", "/", "%", "@", "<", ">", "=", "&", "|", "^", "~",
    ];

    /// <summary><paramref name="longSuffix"/> accepts Python 2's long suffix on ints (<c>2L</c>); see <see cref="PyNumberLiteral.Scan"/>.</summary>
    public static List<PyToken> Tokenize(string source, bool longSuffix)
    {
        var tokens = new List<PyToken>();
        var openBrackets = new Stack<char>();
        int i = 0;
        while (true)
        {
            while (i < source.Length && source[i] is ' ' or '\t' or '\f') i++;
            if (i >= source.Length) break;
            char c = source[i];
            if (c == '#')
            {
                while (i < source.Length && source[i] is not ('\n' or '\r')) i++;
            }
            else if (c == '\\' && IsLineBreakAt(source, i + 1))
            {
                i = SkipLineBreak(source, i + 1);
            }
            else if (c is '\n' or '\r')
            {
                if (openBrackets.Count == 0 && tokens.Count > 0 && tokens[^1].Kind != PyTokenKind.Newline)
                    tokens.Add(new PyToken(PyTokenKind.Newline, "\\n", null, i));
                i = SkipLineBreak(source, i);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                tokens.Add(PyNumberLiteral.Scan(source, ref i, longSuffix));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(PyStringLiteral.Scan(source, ref i, prefix: ""));
            }
            else if (IsNameStart(c))
            {
                int start = i;
                while (i < source.Length && IsNameChar(source[i])) i++;
                string name = source[start..i];
                tokens.Add(i < source.Length && source[i] is '\'' or '"' && PyStringLiteral.IsPrefix(name)
                    ? PyStringLiteral.Scan(source, ref i, name)
                    : new PyToken(PyTokenKind.Name, name, null, start));
            }
            else
            {
                tokens.Add(ScanOperator(source, ref i, openBrackets));
            }
        }
        if (openBrackets.Count > 0)
            throw new PythonSyntaxException($"'{openBrackets.Peek()}' was never closed");
        tokens.Add(new PyToken(PyTokenKind.End, "", null, source.Length));
        return tokens;
    }

    private static PyToken ScanOperator(string source, ref int i, Stack<char> openBrackets)
    {
        int start = i;
        string op = Operators.FirstOrDefault(candidate => string.CompareOrdinal(source, start, candidate, 0, candidate.Length) == 0)
            ?? throw new PythonSyntaxException($"invalid character '{source[start]}' at position {start}");
        i += op.Length;
        switch (op)
        {
            case "(" or "[" or "{":
                openBrackets.Push(op[0]);
                break;
            case ")" or "]" or "}":
                char expectedOpen = op switch { ")" => '(', "]" => '[', _ => '{' };
                if (openBrackets.Count == 0 || openBrackets.Pop() != expectedOpen)
                    throw new PythonSyntaxException($"unmatched '{op}' at position {start}");
                break;
        }
        return new PyToken(PyTokenKind.Operator, op, null, start);
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsNameChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    internal static bool IsLineBreakAt(string source, int i) => i < source.Length && source[i] is '\n' or '\r';

    internal static int SkipLineBreak(string source, int i) =>
        source[i] == '\r' && i + 1 < source.Length && source[i + 1] == '\n' ? i + 2 : i + 1;
}
