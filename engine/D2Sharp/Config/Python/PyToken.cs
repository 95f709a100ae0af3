namespace D2Sharp.Config.Python;

internal enum PyTokenKind { Number, String, Name, Operator, Newline, End }

/// <summary>
/// One Python token. <see cref="Value"/> holds the parsed literal: <see cref="long"/>,
/// <see cref="double"/>, <see cref="ImaginaryNumber"/> or <see cref="OversizedInteger"/> for numbers, <see cref="PyStringPiece"/>
/// for strings.
/// </summary>
internal readonly record struct PyToken(PyTokenKind Kind, string Text, object? Value, int Position)
{
    public bool IsOperator(string op) => Kind == PyTokenKind.Operator && Text == op;

    public bool IsName(string name) => Kind == PyTokenKind.Name && Text == name;

    public override string ToString() => Kind == PyTokenKind.End ? "end of input" : $"'{Text}'";
}

/// <summary>A literal with a <c>j</c> suffix: Python makes it a complex number.</summary>
internal sealed record ImaginaryNumber(double Value);

/// <summary>An int literal beyond the 64 bits a config int holds (Python ints have no limit).</summary>
internal sealed record OversizedInteger(string Text);

internal enum PyStringKind { Text, Bytes, Formatted }

/// <summary>
/// One string literal token, escapes decoded. <see cref="HasNamedEscape"/> marks a <c>\N{...}</c>
/// escape, which needs the Unicode name database and is not decoded.
/// </summary>
internal sealed record PyStringPiece(string Value, PyStringKind Kind, bool HasNamedEscape);
