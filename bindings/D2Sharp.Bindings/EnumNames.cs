using System.Reflection;
using System.Text;

namespace D2Sharp.Bindings;

/// <summary>Turns status enums back into the C headers' SCREAMING_CASE names when the library cannot be asked.</summary>
internal static class EnumNames
{
    /// <summary><paramref name="prefix"/> + the member's name in upper snake case (first declared member for aliases), or null for an unknown value.</summary>
    public static string? HeaderName<TEnum>(TEnum value, string prefix) where TEnum : struct, Enum
    {
        foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
            if (EqualityComparer<TEnum>.Default.Equals((TEnum)field.GetValue(null)!, value))
                return prefix + Screaming(field.Name);
        return null;
    }

    /// <summary><c>ErrorNoDevice</c> → <c>ERROR_NO_DEVICE</c>.</summary>
    public static string Screaming(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (i > 0 && char.IsUpper(c)) sb.Append('_');
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
