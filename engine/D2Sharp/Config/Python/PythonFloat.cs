using System.Globalization;
using System.Text;

namespace D2Sharp.Config.Python;

/// <summary>
/// Python's <c>repr(float)</c>: the shortest digits that round-trip, written positionally when
/// the decimal exponent is in [-4, 16) and in scientific notation (<c>1e-05</c>, <c>1e+16</c>)
/// otherwise; integral values keep a <c>.0</c>. PyYAML builds its float scalars from it.
/// </summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // .NET's round-trip format gives the same shortest digits; only the layout differs.
        (string digits, int pointPosition) = Decompose(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));

        var text = new StringBuilder();
        if (value < 0) text.Append('-');
        if (pointPosition > -4 && pointPosition <= 16)
            AppendPositional(text, digits, pointPosition);
        else
            AppendScientific(text, digits, pointPosition - 1);
        return text.ToString();
    }

    /// <summary>Splits "1.2345E-05" or "123.45" into significant digits and the position of the decimal point.</summary>
    private static (string Digits, int PointPosition) Decompose(string roundTrip)
    {
        int exponentAt = roundTrip.IndexOfAny(['E', 'e']);
        string mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        int exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string integerPart = dot < 0 ? mantissa : mantissa[..dot];
        string fraction = dot < 0 ? "" : mantissa[(dot + 1)..];
        string digits = (integerPart + fraction).TrimStart('0');
        int leadingZeros = (integerPart + fraction).Length - digits.Length;
        return (digits.TrimEnd('0'), integerPart.Length - leadingZeros + exponent);
    }

    private static void AppendPositional(StringBuilder text, string digits, int pointPosition)
    {
        if (pointPosition <= 0)
            text.Append("0.").Append('0', -pointPosition).Append(digits);
        else if (pointPosition >= digits.Length)
            text.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
        else
            text.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
    }

    private static void AppendScientific(StringBuilder text, string digits, int exponent)
    {
        text.Append(digits[0]);
        if (digits.Length > 1) text.Append('.').Append(digits, 1, digits.Length - 1);
        text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
    }
}
