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

/// <summary>A Python tuple as <see cref="PyLiteralEvaluator.EvaluateData"/> returns it, kept apart from a list.</summary>
internal sealed record PyTupleValue(IReadOnlyList<object?> Items);

/// <summary>A Python dict as <see cref="PyLiteralEvaluator.EvaluateData"/> returns it: its entries in source order, repeated keys included.</summary>
internal sealed record PyDictValue(IReadOnlyList<KeyValuePair<object?, object?>> Entries);

/// <summary>
/// Python's <c>ast.literal_eval</c>, as yacs applies it to every string value: constants, tuples
/// and lists of literals, a sign on a number. Tuples and lists both become <see cref="List{T}"/>.
/// Sets, dicts, bytes and complex numbers are recognised so that they can be refused, instead of
/// being kept as strings. <see cref="EvaluateData"/> is the same evaluation for data a Python
/// program wrote (a <c>.npy</c> header), where tuples and dicts keep their identity.
/// </summary>
internal static class PyLiteralEvaluator
{
    private sealed class NotALiteralException : Exception;

    /// <summary>yacs' view of a config string: tuples become lists, dicts are unsupported.</summary>
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
            object? value = Convert(expression, keepContainers: false, ref unsupported);
            return unsupported is null
                ? new LiteralResult(LiteralOutcome.Value, value, null)
                : new LiteralResult(LiteralOutcome.Unsupported, null, unsupported);
        }
        catch (NotALiteralException)
        {
            return new LiteralResult(LiteralOutcome.NotALiteral, null, null);
        }
    }

    /// <summary>
    /// <c>ast.literal_eval</c> of data written by a Python program: tuples become
    /// <see cref="PyTupleValue"/>, lists <see cref="List{T}"/>, dicts <see cref="PyDictValue"/>, and
    /// Python 2's long suffix (<c>2L</c>) is accepted. Sets, bytes, complex numbers and the like are refused.
    /// </summary>
    /// <exception cref="PythonExpressionException">The text is not a literal, or holds one of a refused type.</exception>
    public static object? EvaluateData(string text)
    {
        PyExpr expression = PyParser.Parse(text, longSuffix: true);
        string? unsupported = null;
        object? value;
        try
        {
            value = Convert(expression, keepContainers: true, ref unsupported);
        }
        catch (NotALiteralException)
        {
            throw new PythonExpressionException("not a literal (only constants, tuples, lists, dicts and signed numbers are)");
        }
        return unsupported is null ? value : throw new PythonExpressionException($"a Python {unsupported} is not supported here");
    }

    /// <summary>
    /// Converts a literal's tree, noting the first unsupported type in <paramref name="unsupported"/>.
    /// <paramref name="keepContainers"/> returns tuples and dicts as <see cref="PyTupleValue"/> and
    /// <see cref="PyDictValue"/> instead of yacs' list and "unsupported".
    /// </summary>
    private static object? Convert(PyExpr node, bool keepContainers, ref string? unsupported)
    {
        switch (node)
        {
            case PyConstant constant:
                return constant.Value;
            case PyUnsupportedConstant constant:
                unsupported ??= constant.Description;
                return null;
            case PyTuple tuple:
                List<object?> items = ConvertItems(tuple.Items, keepContainers, ref unsupported);
                return keepContainers ? new PyTupleValue(items) : items;
            case PyList list:
                return ConvertItems(list.Items, keepContainers, ref unsupported);
            case PySet set:
                ConvertItems(set.Items, keepContainers, ref unsupported);
                unsupported ??= "set";
                return null;
            case PyCall { Function: PyName { Id: "set" }, Arguments.Count: 0 }:
                unsupported ??= "set";
                return null;
            case PyDict dict:
                List<object?> keys = ConvertItems(dict.Keys, keepContainers, ref unsupported);
                List<object?> values = ConvertItems(dict.Values, keepContainers, ref unsupported);
                if (keepContainers) return new PyDictValue(keys.Zip(values, KeyValuePair.Create).ToList());
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

    private static List<object?> ConvertItems(IReadOnlyList<PyExpr> items, bool keepContainers, ref string? unsupported)
    {
        var values = new List<object?>(items.Count);
        foreach (PyExpr item in items) values.Add(Convert(item, keepContainers, ref unsupported));
        return values;
    }

    private static object? ConvertSignedNumber(PyUnary unary, ref string? unsupported)
    {
        if (unary.Operand is PyUnsupportedConstant) return Convert(unary.Operand, keepContainers: false, ref unsupported);
        object value = ((PyConstant)unary.Operand).Value!;
        return unary.Op == "+" ? value : PyArithmetic.Negate(value);
    }

    private static bool IsRealNumber(PyExpr node) => node is PyConstant { Value: long or double };

    private static bool IsNumber(PyExpr node) => IsRealNumber(node) || node is PyUnsupportedConstant { IsNumber: true };
}
