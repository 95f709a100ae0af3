namespace D2Sharp.Config;

/// <summary>Typed reads: each names the key, the expected type and the type actually found when they differ.</summary>
public sealed partial class CfgNode
{
    /// <summary>An int (Python int) that fits in 32 bits; a float value is refused.</summary>
    /// <exception cref="ConfigException">The key does not exist, holds another type, or does not fit in an <see cref="int"/>.</exception>
    public int GetInt(string dottedKey) => AsInt(dottedKey, Find(dottedKey), "int");

    /// <summary>A float; an int value is accepted too (yacs keeps <c>0</c> and <c>0.0</c> apart, callers rarely care).</summary>
    public double GetDouble(string dottedKey) => AsDouble(dottedKey, Find(dottedKey), "float");

    /// <summary>A bool (Python <c>True</c>/<c>False</c>); an int value is refused.</summary>
    /// <exception cref="ConfigException">The key does not exist or holds another type.</exception>
    public bool GetBool(string dottedKey) =>
        Find(dottedKey) is bool b ? b : throw WrongType(dottedKey, Find(dottedKey), "bool");

    /// <summary>A string; None is not a string (use <see cref="GetValue"/> for keys that may be None).</summary>
    public string GetString(string dottedKey) =>
        Find(dottedKey) as string ?? throw WrongType(dottedKey, Find(dottedKey), "str");

    /// <summary>A list (or tuple) of ints, each fitting in 32 bits.</summary>
    /// <exception cref="ConfigException">The key does not exist, is not a list, or holds an item of another type.</exception>
    public IReadOnlyList<int> GetIntList(string dottedKey) =>
        ListOf(dottedKey, "list of int", item => AsInt(dottedKey, item, "list of int"));

    /// <summary>A list of floats; int items are accepted.</summary>
    public IReadOnlyList<double> GetDoubleList(string dottedKey) =>
        ListOf(dottedKey, "list of float", item => AsDouble(dottedKey, item, "list of float"));

    /// <summary>A list (or tuple) of strings; a None item is refused.</summary>
    /// <exception cref="ConfigException">The key does not exist, is not a list, or holds an item of another type.</exception>
    public IReadOnlyList<string> GetStringList(string dottedKey) =>
        ListOf(dottedKey, "list of str", item => item as string ?? throw WrongType(dottedKey, Find(dottedKey), "list of str"));

    /// <summary>A list (or tuple) of bools.</summary>
    /// <exception cref="ConfigException">The key does not exist, is not a list, or holds an item of another type.</exception>
    public IReadOnlyList<bool> GetBoolList(string dottedKey) =>
        ListOf(dottedKey, "list of bool", item => item is bool b ? b : throw WrongType(dottedKey, Find(dottedKey), "list of bool"));

    /// <summary>
    /// A list of lists of floats, the shape of <c>ANCHOR_GENERATOR.SIZES</c> and
    /// <c>ASPECT_RATIOS</c> (one inner list per feature level); int items are accepted.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>> GetDoubleLists(string dottedKey)
    {
        const string expected = "list of lists of float";
        return ListOf<IReadOnlyList<double>>(dottedKey, expected, inner =>
            inner is List<object?> items
                ? items.Select(item => AsDouble(dottedKey, item, expected)).ToArray()
                : throw WrongType(dottedKey, Find(dottedKey), expected));
    }

    private T[] ListOf<T>(string dottedKey, string expected, Func<object?, T> convertItem)
    {
        object? value = Find(dottedKey);
        return value is List<object?> items ? items.Select(convertItem).ToArray() : throw WrongType(dottedKey, value, expected);
    }

    private int AsInt(string dottedKey, object? value, string expected)
    {
        if (value is long l)
        {
            if (l is >= int.MinValue and <= int.MaxValue) return (int)l;
            string fullKey = FullKey(dottedKey);
            throw new ConfigException($"Config key '{fullKey}' holds {l}, which does not fit in a 32-bit int.", fullKey);
        }
        throw WrongType(dottedKey, Find(dottedKey), expected);
    }

    private double AsDouble(string dottedKey, object? value, string expected) => value switch
    {
        double d => d,
        long l => l,
        _ => throw WrongType(dottedKey, Find(dottedKey), expected),
    };

    private ConfigException WrongType(string dottedKey, object? value, string expected)
    {
        string fullKey = FullKey(dottedKey);
        return new ConfigException(
            $"Config key '{fullKey}' should be {expected}, but holds {ConfigValue.TypeName(value)} {ConfigValue.Repr(value)}.",
            fullKey);
    }
}
