using System.Numerics;

namespace D2Sharp.Config.Python;

/// <summary>
/// Python 3's arithmetic on int (<see cref="long"/>, overflow is an error instead of a big int)
/// and float (<see cref="double"/>): true division always gives a float, <c>//</c> and <c>%</c>
/// floor towards minus infinity with the sign of the divisor, <c>int ** negative</c> is a float,
/// and mixed operands are computed in float.
/// </summary>
internal static class PyArithmetic
{
    public static object Negate(object? value) => value switch
    {
        long l => l == long.MinValue ? throw Overflow() : (object)-l,
        double d => -d,
        _ => throw BadOperand("unary -", value),
    };

    public static object Plus(object? value) => value is long or double ? value : throw BadOperand("unary +", value);

    public static object Binary(string op, object? left, object? right)
    {
        if (left is long a && right is long b) return IntegerOperation(op, a, b);
        if (left is long or double && right is long or double) return FloatOperation(op, ToDouble(left), ToDouble(right));
        throw new PythonExpressionException(
            $"unsupported operand types for {op}: '{ConfigValue.TypeName(left)}' and '{ConfigValue.TypeName(right)}' (only numbers)");
    }

    private static object IntegerOperation(string op, long a, long b)
    {
        try
        {
            return op switch
            {
                // The first arm is typed object so that the int arms are not widened to double.
                "+" => (object)checked(a + b),
                "-" => checked(a - b),
                "*" => checked(a * b),
                "/" => b == 0 ? throw DivisionByZero("division") : (double)a / b,
                "//" => b == 0 ? throw DivisionByZero("integer division") : FloorDivide(a, b),
                "%" => b == 0 ? throw DivisionByZero("integer modulo") : FloorModulo(a, b),
                "**" => b < 0 ? FloatPower(a, b) : (object)IntegerPower(a, b),
                _ => throw new PythonExpressionException($"operator '{op}' is not supported"),
            };
        }
        catch (OverflowException)
        {
            throw Overflow();
        }
    }

    private static long FloorDivide(long a, long b)
    {
        long quotient = checked(a / b);
        return a % b != 0 && (a < 0) != (b < 0) ? quotient - 1 : quotient;
    }

    private static long FloorModulo(long a, long b)
    {
        long remainder = a % b;
        return remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder;
    }

    private static long IntegerPower(long a, long b)
    {
        if (a is 0 or 1) return b == 0 ? 1 : a;
        if (a == -1) return b % 2 == 0 ? 1 : -1;
        if (b > 64) throw Overflow();
        BigInteger result = BigInteger.Pow(a, (int)b);
        return result >= long.MinValue && result <= long.MaxValue ? (long)result : throw Overflow();
    }

    private static double FloatOperation(string op, double a, double b) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => b == 0 ? throw DivisionByZero("float division") : a / b,
        "//" => b == 0 ? throw DivisionByZero("float floor division") : FloatDivMod(a, b).Quotient,
        "%" => b == 0 ? throw DivisionByZero("float modulo") : FloatDivMod(a, b).Remainder,
        "**" => FloatPower(a, b),
        _ => throw new PythonExpressionException($"operator '{op}' is not supported"),
    };

    /// <summary>CPython's <c>float_divmod</c>.</summary>
    private static (double Quotient, double Remainder) FloatDivMod(double a, double b)
    {
        double remainder = a % b; // C fmod
        double division = (a - remainder) / b;
        if (remainder != 0)
        {
            if ((b < 0) != (remainder < 0))
            {
                remainder += b;
                division -= 1.0;
            }
        }
        else
        {
            remainder = Math.CopySign(0.0, b);
        }
        double quotient;
        if (division != 0)
        {
            quotient = Math.Floor(division);
            if (division - quotient > 0.5) quotient += 1.0;
        }
        else
        {
            quotient = Math.CopySign(0.0, a / b);
        }
        return (quotient, remainder);
    }

    /// <summary>CPython's <c>float_pow</c>: C <c>pow</c> plus Python's errors.</summary>
    private static double FloatPower(double a, double b)
    {
        if (b == 0) return 1.0;
        if (a == 0 && b < 0) throw new PythonExpressionException("0.0 cannot be raised to a negative power");
        if (a < 0 && double.IsFinite(a) && double.IsFinite(b) && Math.Floor(b) != b)
            throw new PythonExpressionException("a negative number raised to a fractional power is complex, which a config cannot hold");
        double result = Math.Pow(a, b);
        if (double.IsInfinity(result) && double.IsFinite(a) && double.IsFinite(b)) throw Overflow();
        return result;
    }

    private static double ToDouble(object? value) => value is long l ? l : (double)value!;

    private static PythonExpressionException DivisionByZero(string what) => new($"{what} by zero");

    private static PythonExpressionException Overflow() => new("numeric result out of range");

    private static PythonExpressionException BadOperand(string op, object? value) =>
        new($"bad operand type for {op}: '{ConfigValue.TypeName(value)}' (only numbers)");
}
