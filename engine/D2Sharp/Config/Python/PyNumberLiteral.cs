using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace D2Sharp.Config.Python;

/// <summary>
/// Python numeric literals: decimal, hex, octal and binary ints with <c>_</c> separators, floats
/// (<c>1.</c>, <c>.5</c>, <c>1e-3</c>) and imaginary numbers (<c>2j</c>). The whole run of
/// letters, digits and dots is taken and then checked, so <c>0777</c> or <c>1abc</c> are syntax
/// errors, as in Python.
/// </summary>
internal static partial class PyNumberLiteral
{
    /// <summary>
    /// Reads the number starting at <paramref name="i"/>. <paramref name="longSuffix"/> also accepts
    /// Python 2's long suffix on a decimal int (<c>2L</c>), as old numpy headers have.
    /// </summary>
    public static PyToken Scan(string source, ref int i, bool longSuffix)
    {
        int start = i;
        bool hex = i + 1 < source.Length && source[i] == '0' && source[i + 1] is 'x' or 'X';
        while (i < source.Length)
        {
            char c = source[i];
            bool signOfExponent = c is '+' or '-' && !hex && source[i - 1] is 'e' or 'E'
                && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1]);
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' || signOfExponent)) break;
            i++;
        }
        string text = source[start..i];
        object value = longSuffix && text is [.., 'L' or 'l'] && DecimalInt().IsMatch(text[..^1]) ? Parse(text[..^1]) : Parse(text);
        return new PyToken(PyTokenKind.Number, text, value, start);
    }

    private static object Parse(string text)
    {
        string digits = text.Replace("_", "");
        if (DecimalInt().IsMatch(text)) return IntValue(BigInteger.Parse(digits, CultureInfo.InvariantCulture), text);
        if (PrefixedInt().IsMatch(text)) return IntValue(ParsePrefixed(digits), text);
        if (Float().IsMatch(text)) return double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Imaginary().IsMatch(text)) return new ImaginaryNumber(double.Parse(digits[..^1], NumberStyles.Float, CultureInfo.InvariantCulture));
        throw new PythonSyntaxException($"invalid number literal '{text}'");
    }

    private static BigInteger ParsePrefixed(string digits)
    {
        int radix = char.ToLowerInvariant(digits[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
        BigInteger value = BigInteger.Zero;
        foreach (char c in digits[2..])
            value = value * radix + Convert.ToInt32(c.ToString(), 16);
        return value;
    }

    private static object IntValue(BigInteger value, string text) =>
        value <= long.MaxValue ? (long)value : new OversizedInteger(text);

    private const string DigitPart = "[0-9](?:_?[0-9])*";
    private const string PointFloat = $"(?:(?:{DigitPart})?\\.{DigitPart}|{DigitPart}\\.)";
    private const string Exponent = $"[eE][+-]?{DigitPart}";
    private const string FloatNumber = $"(?:{PointFloat}(?:{Exponent})?|{DigitPart}{Exponent})";

    [GeneratedRegex("^(?:[1-9](?:_?[0-9])*|0(?:_?0)*)$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)$")]
    private static partial Regex PrefixedInt();

    [GeneratedRegex($"^{FloatNumber}$")]
    private static partial Regex Float();

    [GeneratedRegex($"^(?:{FloatNumber}|{DigitPart})[jJ]$")]
    private static partial Regex Imaginary();
}
