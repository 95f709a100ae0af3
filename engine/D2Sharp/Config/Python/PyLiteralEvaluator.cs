namespace D2Sharp.Config.Python;

internal enum LiteralOutcome
{
    /// <summary>The text is not a Python literal (<c>ast.literal_eval</c> raises SyntaxError or ValueError).</summary>
    NotALiteral,
    /// <summary>A literal of a type a config can hold; see <see cref="LiteralResult.Value"/>.</summary>
    Value,
    /// <summary>A literal of a type a config cannot hold (dict, set, bytes, complex, Ellipsis).</summary>
    Unsupported,
}

internal readonly record struct LiteralResult(LiteralOutcome Outcome, object? Value, string? UnsupportedType);

/// <summary>
/// Python's <c>ast.literal_eval</c>, as yacs applies it to every string value: constants, tuples
/// and lists of literals, a sign on a number. Tuples and lists both become <see cref="List{T}"/>.
/// Sets, dicts, bytes and complex numbers are recognised so that they can be refused, instead of
/// being kept as strings.
/// </summary>
internal static class PyLiteralEvaluator
{
    private sealed class NotALiteralException : Exception;

    public static LiteralResult Evaluate(string text)
    {
        PyExpr expression;
        try
        {
            expression = PyParser.Parse(text.TrimStart(' ', '\t'));
        }
        catch (PythonSyntaxException)
        {
            return new LiteralResult(LiteralOutcome.NotALiteral, null, null);
        }

        string? unsupported = null;
        try
        {
            object? value = Convert(expression, ref unsupported);
            return unsupported is null
                ? new LiteralResult(LiteralOutcome.Value, value, null)
                : new LiteralResult(LiteralOutcome.Unsupported, null, unsupported);
        }
        catch (NotALiteralException)
        {
            return new LiteralResult(LiteralOutcome.NotALiteral, null, null);
        }
    }

    private static object? Convert(PyExpr node, ref string? unsupported)
    {
        switch (node)
        {
            case PyConstant constant:
                return constant.Value;
            case PyUnsupportedConstant constant:
                unsupported ??= constant.Description;
                return null;
            case PyTuple tuple:
                return ConvertItems(tuple.Items, ref unsupported);
            case PyList list:
                return ConvertItems(list.Items, ref unsupported);
            case PySet set:
                ConvertItems(set.Items, ref unsupported);
                unsupported ??= "set";
                return null;
            case PyCall { Function: PyName { Id: "set" }, Arguments.Count: 0 }:
                unsupported ??= "set";
                return null;
            case PyDict dict:
                ConvertItems(dict.Keys, ref unsupported);
                ConvertItems(dict.Values, ref unsupported);
                unsupported ??= "dict";
                return null;
            case PyUnary { Op: "+" or "-" } unary when IsNumber(unary.Operand):
                return ConvertSignedNumber(unary, ref unsupported);
            case PyBinary { Op: "+" or "-", Right: PyUnsupportedConstant { Description: "complex" } } complexSum
                when IsRealNumber(complexSum.Left) || complexSum.Left is PyUnary { Op: "+" or "-", Operand: var operand } && IsRealNumber(operand):
                unsupported ??= "complex";
                return null;
            default:
                throw new NotALiteralException();
        }
    }

    private static List<object?> ConvertItems(IReadOnlyList<PyExpr> items, ref string? unsupported)
    {
        var values = new List<object?>(items.Count);
        foreach (PyExpr item in items) values.Add(Convert(item, ref unsupported));
        return values;
    }

    private static object? ConvertSignedNumber(PyUnary unary, ref string? unsupported)
    {
        if (unary.Operand is PyUnsupportedConstant) return Convert(unary.Operand, ref unsupported);
        object value = ((PyConstant)unary.Operand).Value!;
        return unary.Op == "+" ? value : PyArithmetic.Negate(value);
    }

    private static bool IsRealNumber(PyExpr node) => node is PyConstant { Value: long or double };

    private static bool IsNumber(PyExpr node) => IsRealNumber(node) || node is PyUnsupportedConstant { IsNumber: true };
}
