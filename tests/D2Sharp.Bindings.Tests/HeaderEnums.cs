using System.Text.RegularExpressions;

namespace D2Sharp.Bindings.Tests;

/// <summary>Reads <c>typedef enum … { … } Name;</c> blocks from an installed C header, implicit values included.</summary>
internal static partial class HeaderEnums
{
    public const string Include = "/usr/include";

    /// <summary>The header's text, or Assert.Ignore when it is not installed (Debian: nvidia-cuda-dev).</summary>
    public static string Read(string header)
    {
        var path = Path.Combine(Include, header);
        if (!File.Exists(path)) Assert.Ignore($"{path} is not installed (Debian package nvidia-cuda-dev)");
        return File.ReadAllText(path);
    }

    /// <summary>Members of the enum whose typedef name is <paramref name="typedefName"/>, in declaration order.</summary>
    public static List<(string Name, long Value)> Members(string text, string typedefName)
    {
        var end = Regex.Match(text, @"\}\s*" + Regex.Escape(typedefName) + @"\s*;");
        Assert.That(end.Success, $"typedef {typedefName} not found");
        var open = text.LastIndexOf("typedef enum", end.Index, StringComparison.Ordinal);
        var body = text[(text.IndexOf('{', open) + 1)..end.Index];
        body = BlockComment().Replace(body, " ");
        body = LineComment().Replace(body, " ");
        var members = new List<(string, long)>();
        long next = 0;
        foreach (var raw in body.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            var m = Member().Match(part);
            Assert.That(m.Success, $"cannot parse '{part}' in {typedefName}");
            var name = m.Groups[1].Value;
            long value;
            if (!m.Groups[2].Success) value = next;
            else
            {
                var expr = m.Groups[2].Value.Trim();
                value = expr.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToInt64(expr[2..], 16)
                    : long.TryParse(expr, out var v) ? v
                    : members.Single(x => x.Item1 == expr).Item2;
            }
            members.Add((name, value));
            next = value + 1;
        }
        return members;
    }

    /// <summary><c>CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE</c> minus <paramref name="prefix"/> → <c>L2CacheSize</c>.</summary>
    public static string Pascal(string name, string prefix)
        => string.Concat(name[prefix.Length..].ToLowerInvariant().Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>
    /// Asserts that every header member (but those in <paramref name="skip"/>) exists in <typeparamref name="TEnum"/>
    /// under its PascalCase name with the header's value, and that every C# member named after a header member
    /// has that member's value.
    /// </summary>
    public static void AssertMatches<TEnum>(List<(string Name, long Value)> header, string prefix, Func<string, string>? rename = null,
        params string[] skip) where TEnum : struct, Enum
    {
        rename ??= n => Pascal(n, prefix);
        var csharp = Enum.GetNames<TEnum>().ToDictionary(n => n, n => Convert.ToInt64(Enum.Parse<TEnum>(n)));
        Assert.Multiple(() =>
        {
            foreach (var (name, value) in header.Where(h => !skip.Contains(h.Name)))
            {
                var cs = rename(name);
                Assert.That(csharp.ContainsKey(cs), $"{typeof(TEnum).Name} lacks {cs} ({name} = {value})");
                if (csharp.TryGetValue(cs, out var actual))
                    Assert.That(actual, Is.EqualTo(value), $"{typeof(TEnum).Name}.{cs} vs {name}");
            }
        });
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"^(\w+)(?:\s+\w+)?\s*(?:=\s*(.+))?$", RegexOptions.Singleline)]
    private static partial Regex Member();
}
