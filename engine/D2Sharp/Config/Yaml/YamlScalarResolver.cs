using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// PyYAML's YAML 1.1 scalar typing (<c>yaml.SafeLoader</c>): which plain scalars are null, bool,
/// int or float, and how explicitly tagged scalars are constructed. Note the YAML 1.1 rules that
/// differ from YAML 1.2: <c>yes</c>/<c>on</c> are booleans, <c>010</c> is octal, <c>1:30</c> is
/// base 60, and <c>1e-3</c> (no dot) stays a string.
/// </summary>
internal static partial class YamlScalarResolver
{
    public const string StrTag = "tag:yaml.org,2002:str";
    public const string IntTag = "tag:yaml.org,2002:int";
    public const string FloatTag = "tag:yaml.org,2002:float";
    public const string BoolTag = "tag:yaml.org,2002:bool";
    public const string NullTag = "tag:yaml.org,2002:null";
    public const string MergeTag = "tag:yaml.org,2002:merge";

    /// <summary>The tag PyYAML's implicit resolvers give a plain scalar, in their order of registration.</summary>
    public static string ImplicitTag(string value)
    {
        if (value.Length == 0 || NullPattern().IsMatch(value)) return NullTag;
        if (BoolPattern().IsMatch(value)) return BoolTag;
        if (FloatPattern().IsMatch(value)) return FloatTag;
        if (IntPattern().IsMatch(value)) return IntTag;
        if (value == "<<") return MergeTag;
        if (TimestampPattern().IsMatch(value)) return "tag:yaml.org,2002:timestamp";
        if (value == "=") return "tag:yaml.org,2002:value";
        return StrTag;
    }

    /// <summary>Builds the value of a scalar with a resolved tag; null when the tag has no value a config can hold.</summary>
    /// <exception cref="FormatException">The text does not fit the tag.</exception>
    public static bool TryConstruct(string tag, string value, out object? result)
    {
        switch (tag)
        {
            case StrTag: result = value; return true;
            case NullTag: result = null; return true;
            case BoolTag: result = ConstructBool(value); return true;
            case IntTag: result = ConstructInt(value); return true;
            case FloatTag: result = ConstructFloat(value); return true;
            default: result = null; return false;
        }
    }

    private static bool ConstructBool(string value) => value.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" => true,
        "no" or "false" or "off" => false,
        _ => throw new FormatException($"'{value}' is not a YAML 1.1 boolean"),
    };

    private static long ConstructInt(string text)
    {
        string value = text.Replace("_", "");
        int sign = value.StartsWith('-') ? -1 : 1;
        if (value.StartsWith('-') || value.StartsWith('+')) value = value[1..];
        if (value.Length == 0) throw new FormatException($"'{text}' is not an integer");
        BigInteger magnitude =
            value == "0" ? BigInteger.Zero
            : value.StartsWith("0b") ? ParseRadix(value[2..], 2, text)
            : value.StartsWith("0x") ? ParseRadix(value[2..], 16, text)
            : value[0] == '0' ? ParseRadix(value, 8, text)
            : value.Contains(':') ? value.Split(':').Aggregate(BigInteger.Zero, (total, part) => total * 60 + ParseRadix(part, 10, text))
            : ParseRadix(value, 10, text);
        BigInteger signed = sign * magnitude;
        if (signed < long.MinValue || signed > long.MaxValue)
            throw new FormatException($"integer {text} does not fit in 64 bits");
        return (long)signed;
    }

    private static BigInteger ParseRadix(string digits, int radix, string text)
    {
        if (digits.Length == 0) throw new FormatException($"'{text}' is not an integer");
        BigInteger value = BigInteger.Zero;
        foreach (char c in digits)
        {
            int digit = char.IsAsciiHexDigit(c) ? Convert.ToInt32(c.ToString(), 16) : radix;
            if (digit >= radix) throw new FormatException($"'{text}' is not an integer");
            value = value * radix + digit;
        }
        return value;
    }

    private static double ConstructFloat(string text)
    {
        string value = text.Replace("_", "").ToLowerInvariant();
        double sign = value.StartsWith('-') ? -1 : 1;
        if (value.StartsWith('-') || value.StartsWith('+')) value = value[1..];
        if (value == ".inf") return sign * double.PositiveInfinity;
        if (value == ".nan") return double.NaN;
        if (!value.Contains(':')) return sign * ParseFloat(value, text);
        // Base 60, summed from the last part as PyYAML does, so the rounding matches.
        double total = 0, weight = 1;
        foreach (string part in value.Split(':').Reverse())
        {
            total += ParseFloat(part, text) * weight;
            weight *= 60;
        }
        return sign * total;
    }

    private static double ParseFloat(string value, string text) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
            ? result
            : throw new FormatException($"'{text}' is not a float");

    [GeneratedRegex("^(?:~|null|Null|NULL)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampPattern();
}
