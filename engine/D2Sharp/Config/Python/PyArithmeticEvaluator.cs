using System.Diagnostics;

namespace D2Sharp.Config.Python;

/// <summary>
/// Evaluates the expression of a YAML <c>!!python/object/apply:eval</c> tag, the way Detectron2's
/// <c>Base-RetinaNet.yaml</c> computes its anchor sizes. Deliberately not a Python interpreter:
/// numbers, strings, True/False/None, tuples, lists, <c>+ - * / // % **</c>, unary signs and list
/// comprehensions <c>[expr for name in iterable]</c>. Anything else is refused.
/// </summary>
internal static class PyArithmeticEvaluator
{
    private sealed record Scope(string Name, object? Value, Scope? Outer);

    /// <exception cref="PythonExpressionException">Bad syntax, an unsupported construct or an arithmetic error.</exception>
    public static object? Evaluate(string expression) => Evaluate(PyParser.Parse(expression), scope: null);

    private static object? Evaluate(PyExpr node, Scope? scope) => node switch
    {
        PyConstant constant => constant.Value,
        PyName name => Lookup(name.Id, scope),
        PyTuple tuple => tuple.Items.Select(item => Evaluate(item, scope)).ToList(),
        PyList list => list.Items.Select(item => Evaluate(item, scope)).ToList(),
        PyUnary { Op: "-" } unary => PyArithmetic.Negate(Evaluate(unary.Operand, scope)),
        PyUnary { Op: "+" } unary => PyArithmetic.Plus(Evaluate(unary.Operand, scope)),
        PyBinary binary => PyArithmetic.Binary(binary.Op, Evaluate(binary.Left, scope), Evaluate(binary.Right, scope)),
        PyListComprehension comprehension => EvaluateComprehension(comprehension, scope),
        PyUnsupportedConstant constant => throw Unsupported($"a {constant.Description} value"),
        PyFormattedString => throw Unsupported("an f-string"),
        PyCall => throw Unsupported("a function call"),
        PySet or PyDict => throw Unsupported("a set or dict"),
        PyUnary unary => throw Unsupported($"the operator '{unary.Op}'"),
        _ => throw new UnreachableException($"unhandled expression node {node.GetType().Name}"),
    };

    private static List<object?> EvaluateComprehension(PyListComprehension comprehension, Scope? scope)
    {
        object? iterable = Evaluate(comprehension.Iterable, scope);
        if (iterable is not List<object?> items)
            throw new PythonExpressionException($"a list comprehension must iterate over a list or tuple, not {ConfigValue.TypeName(iterable)}");
        return items.Select(item => Evaluate(comprehension.Element, new Scope(comprehension.Target, item, scope))).ToList();
    }

    private static object? Lookup(string name, Scope? scope)
    {
        for (Scope? s = scope; s is not null; s = s.Outer)
            if (s.Name == name) return ConfigValue.DeepClone(s.Value);
        throw new PythonExpressionException($"name '{name}' is not defined (only list comprehension variables are)");
    }

    private static PythonExpressionException Unsupported(string what) =>
        new($"{what} is not supported in config expressions (numbers, lists, arithmetic and list comprehensions are)");
}
