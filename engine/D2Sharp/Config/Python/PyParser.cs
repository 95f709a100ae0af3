namespace D2Sharp.Config.Python;

/// <summary>
/// Parses one Python expression (Python's <c>eval</c> input) into a <see cref="PyExpr"/> tree:
/// bare and parenthesised tuples, lists, sets, dicts, list comprehensions with one <c>for</c>,
/// unary and arithmetic operators with Python's precedence, calls. Any other syntax (comparisons,
/// boolean operators, attributes, subscripts, lambdas) is rejected with a
/// <see cref="PythonSyntaxException"/>; for the literal evaluator this means "not a literal", as
/// the ValueError of <c>ast.literal_eval</c> does. Nesting is bounded (<see cref="MaxNesting"/>),
/// so hostile input fails with that exception instead of exhausting the stack.
/// </summary>
internal sealed class PyParser
{
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    /// <summary>
    /// How deeply an expression may nest, each bracket and each unary or power operator being one
    /// level. CPython's tokenizer refuses about as many nested brackets ("too many nested
    /// parentheses"); counting operator chains such as <c>- - - 1</c> too bounds the recursion.
    /// </summary>
    public const int MaxNesting = 200;

    private readonly List<PyToken> _tokens;
    private int _next;
    private int _nesting;

    private PyParser(List<PyToken> tokens) => _tokens = tokens;

    /// <param name="source">One expression.</param>
    /// <param name="longSuffix">Accept Python 2's long suffix on ints (<c>2L</c>), for data written by old Python programs.</param>
    public static PyExpr Parse(string source, bool longSuffix = false)
    {
        var parser = new PyParser(PyTokenizer.Tokenize(source, longSuffix));
        if (parser.Peek.Kind == PyTokenKind.End) throw new PythonSyntaxException("empty expression");
        PyExpr expression = parser.ParseExpressionList();
        while (parser.Peek.Kind == PyTokenKind.Newline) parser._next++;
        if (parser.Peek.Kind != PyTokenKind.End) throw new PythonSyntaxException($"unexpected {parser.Peek} at position {parser.Peek.Position}");
        return expression;
    }

    private PyToken Peek => _tokens[_next];

    private PyToken Take() => _tokens[_next++];

    private bool TakeOperator(string op)
    {
        if (!Peek.IsOperator(op)) return false;
        _next++;
        return true;
    }

    private void Expect(string op)
    {
        if (!TakeOperator(op)) throw new PythonSyntaxException($"expected '{op}' but found {Peek} at position {Peek.Position}");
    }

    private bool StartsExpression(PyToken token) => token.Kind switch
    {
        PyTokenKind.Number or PyTokenKind.String => true,
        PyTokenKind.Name => !Keywords.Contains(token.Text) || token.Text is "True" or "False" or "None",
        PyTokenKind.Operator => token.Text is "(" or "[" or "{" or "+" or "-" or "~" or "...",
        _ => false,
    };

    /// <summary><c>a</c> or <c>a, b, ...</c> (a tuple).</summary>
    private PyExpr ParseExpressionList()
    {
        PyExpr first = ParseExpression();
        if (!Peek.IsOperator(",")) return first;
        var items = new List<PyExpr> { first };
        while (TakeOperator(",") && StartsExpression(Peek)) items.Add(ParseExpression());
        return new PyTuple(items);
    }

    private PyExpr ParseExpression() => ParseArithmetic();

    private PyExpr ParseArithmetic()
    {
        PyExpr left = ParseTerm();
        while (Peek.IsOperator("+") || Peek.IsOperator("-"))
            left = new PyBinary(Take().Text, left, ParseTerm());
        return left;
    }

    private PyExpr ParseTerm()
    {
        PyExpr left = ParseFactor();
        while (Peek.Kind == PyTokenKind.Operator && Peek.Text is "*" or "/" or "//" or "%" or "@")
            left = new PyBinary(Take().Text, left, ParseFactor());
        return left;
    }

    /// <summary>Every nested bracket and every unary or power operator passes here, so this is where nesting is counted.</summary>
    private PyExpr ParseFactor()
    {
        if (_nesting == MaxNesting)
            throw new PythonSyntaxException($"too many nested brackets or operators (more than {MaxNesting}) at position {Peek.Position}");
        _nesting++;
        PyExpr factor = Peek.Kind == PyTokenKind.Operator && Peek.Text is "+" or "-" or "~"
            ? new PyUnary(Take().Text, ParseFactor())
            : ParsePower();
        _nesting--;
        return factor;
    }

    /// <summary><c>**</c> binds tighter than a unary minus on its left and is right-associative.</summary>
    private PyExpr ParsePower()
    {
        PyExpr primary = ParsePrimary();
        return TakeOperator("**") ? new PyBinary("**", primary, ParseFactor()) : primary;
    }

    private PyExpr ParsePrimary()
    {
        PyExpr atom = ParseAtom();
        while (TakeOperator("("))
        {
            var arguments = new List<PyExpr>();
            while (!TakeOperator(")"))
            {
                arguments.Add(ParseExpression());
                if (!Peek.IsOperator(")")) Expect(",");
            }
            atom = new PyCall(atom, arguments);
        }
        return atom;
    }

    private PyExpr ParseAtom()
    {
        PyToken token = Take();
        switch (token.Kind)
        {
            case PyTokenKind.Number:
                return token.Value switch
                {
                    ImaginaryNumber => new PyUnsupportedConstant("complex", IsNumber: true),
                    OversizedInteger => new PyUnsupportedConstant("int beyond 64 bits", IsNumber: true),
                    _ => new PyConstant(token.Value),
                };
            case PyTokenKind.String:
                return ParseStrings((PyStringPiece)token.Value!);
            case PyTokenKind.Name:
                return token.Text switch
                {
                    "True" => new PyConstant(true),
                    "False" => new PyConstant(false),
                    "None" => new PyConstant(null),
                    _ when Keywords.Contains(token.Text) => throw Unexpected(token),
                    _ => new PyName(token.Text),
                };
            case PyTokenKind.Operator when token.Text == "...":
                return new PyUnsupportedConstant("ellipsis");
            case PyTokenKind.Operator when token.Text == "(":
                if (TakeOperator(")")) return new PyTuple([]);
                PyExpr inner = ParseExpressionList();
                Expect(")");
                return inner;
            case PyTokenKind.Operator when token.Text == "[":
                return ParseListDisplay();
            case PyTokenKind.Operator when token.Text == "{":
                return ParseDictOrSet();
            default:
                throw Unexpected(token);
        }
    }

    /// <summary>Adjacent string literals concatenate (<c>"a" "b"</c> is <c>"ab"</c>).</summary>
    private PyExpr ParseStrings(PyStringPiece first)
    {
        var pieces = new List<PyStringPiece> { first };
        while (Peek.Kind == PyTokenKind.String) pieces.Add((PyStringPiece)Take().Value!);
        bool bytes = pieces[0].Kind == PyStringKind.Bytes;
        if (pieces.Any(piece => (piece.Kind == PyStringKind.Bytes) != bytes))
            throw new PythonSyntaxException("cannot mix bytes and nonbytes literals");
        if (pieces.Any(piece => piece.Kind == PyStringKind.Formatted)) return new PyFormattedString();
        if (bytes) return new PyUnsupportedConstant("bytes");
        if (pieces.Any(piece => piece.HasNamedEscape)) return new PyUnsupportedConstant("str with a \\N{...} escape");
        return new PyConstant(string.Concat(pieces.Select(piece => piece.Value)));
    }

    private PyExpr ParseListDisplay()
    {
        if (TakeOperator("]")) return new PyList([]);
        PyExpr first = ParseExpression();
        if (Peek.IsName("for"))
        {
            _next++;
            PyToken target = Take();
            if (target.Kind != PyTokenKind.Name || Keywords.Contains(target.Text)) throw Unexpected(target);
            if (!Take().IsName("in")) throw new PythonSyntaxException("expected 'in' in list comprehension");
            PyExpr iterable = ParseExpression();
            Expect("]");
            return new PyListComprehension(first, target.Text, iterable);
        }
        var items = new List<PyExpr> { first };
        while (TakeOperator(",") && !Peek.IsOperator("]")) items.Add(ParseExpression());
        Expect("]");
        return new PyList(items);
    }

    private PyExpr ParseDictOrSet()
    {
        if (TakeOperator("}")) return new PyDict([], []);
        PyExpr first = ParseExpression();
        if (!TakeOperator(":"))
        {
            var items = new List<PyExpr> { first };
            while (TakeOperator(",") && !Peek.IsOperator("}")) items.Add(ParseExpression());
            Expect("}");
            return new PySet(items);
        }
        var keys = new List<PyExpr> { first };
        var values = new List<PyExpr> { ParseExpression() };
        while (TakeOperator(",") && !Peek.IsOperator("}"))
        {
            keys.Add(ParseExpression());
            Expect(":");
            values.Add(ParseExpression());
        }
        Expect("}");
        return new PyDict(keys, values);
    }

    private static PythonSyntaxException Unexpected(PyToken token) =>
        new($"unexpected {token} at position {token.Position}");
}
