namespace D2Sharp.Config;

/// <summary>
/// yacs' <c>_check_and_coerce_cfg_value_type</c>: a replacement must have exactly the type of the
/// value it replaces (int and float are different types, so are bool and int), except that None
/// may replace or be replaced by any plain value, and list and tuple convert into each other
/// (both are <see cref="List{T}"/> here, so that case needs no conversion).
/// </summary>
internal static class ValueTypeCheck
{
    /// <summary>
    /// Returns <paramref name="replacement"/> when it may replace <paramref name="original"/>;
    /// <paramref name="where"/> says where it comes from, for the message (" (file, line 3)").
    /// </summary>
    /// <exception cref="ConfigException">The types do not match; the message names both.</exception>
    public static object? Coerce(object? replacement, object? original, string fullKey, string? file, string where = "")
    {
        if (SameType(replacement, original)) return replacement;
        bool replacementIsPlain = replacement is not CfgNode;
        bool originalIsPlain = original is not CfgNode;
        if ((replacement is null && originalIsPlain) || (original is null && replacementIsPlain)) return replacement;
        throw Mismatch(fullKey, original, $"{ConfigValue.TypeName(replacement)} ({ConfigValue.Repr(replacement)})", file, where);
    }

    public static ConfigException Mismatch(string fullKey, object? original, string given, string? file, string where) =>
        new($"Type mismatch for config key '{fullKey}'{where}: expected {ConfigValue.TypeName(original)} " +
            $"(current value {ConfigValue.Repr(original)}), given {given}.",
            fullKey, file);

    private static bool SameType(object? a, object? b) =>
        a is null ? b is null : b is not null && a.GetType() == b.GetType();
}
