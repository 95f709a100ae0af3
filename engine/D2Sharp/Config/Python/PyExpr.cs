namespace D2Sharp.Config.Python;

/// <summary>The syntax tree of the Python expressions configs contain (a small part of Python's <c>ast</c>).</summary>
internal abstract record PyExpr;

/// <summary>An int, float, str, True, False or None.</summary>
internal sealed record PyConstant(object? Value) : PyExpr;

/// <summary>
/// A literal Python accepts but a config cannot hold: bytes, complex, Ellipsis, an int beyond 64
/// bits, a <c>\N{...}</c> string. <see cref="IsNumber"/> marks the numeric ones, which a sign may precede.
/// </summary>
internal sealed record PyUnsupportedConstant(string Description, bool IsNumber = false) : PyExpr;

/// <summary>An f-string: never a literal.</summary>
internal sealed record PyFormattedString : PyExpr;

internal sealed record PyName(string Id) : PyExpr;

internal sealed record PyTuple(IReadOnlyList<PyExpr> Items) : PyExpr;

internal sealed record PyList(IReadOnlyList<PyExpr> Items) : PyExpr;

internal sealed record PySet(IReadOnlyList<PyExpr> Items) : PyExpr;

internal sealed record PyDict(IReadOnlyList<PyExpr> Keys, IReadOnlyList<PyExpr> Values) : PyExpr;

/// <summary><c>+x</c>, <c>-x</c> or <c>~x</c>.</summary>
internal sealed record PyUnary(string Op, PyExpr Operand) : PyExpr;

/// <summary><c>+ - * / // % ** @</c>.</summary>
internal sealed record PyBinary(string Op, PyExpr Left, PyExpr Right) : PyExpr;

internal sealed record PyCall(PyExpr Function, IReadOnlyList<PyExpr> Arguments) : PyExpr;

/// <summary><c>[element for target in iterable]</c>.</summary>
internal sealed record PyListComprehension(PyExpr Element, string Target, PyExpr Iterable) : PyExpr;
