using YamlDotNet.Core;

namespace D2Sharp.Config.Yaml;

/// <summary>
/// Turns YamlDotNet's syntax errors into <see cref="ConfigException"/>s that name the file and
/// line. A tab in indentation, the most common one in hand-edited configs, gets its own message:
/// YamlDotNet's ("found invalid tab as indentation") often points at the enclosing mapping's first
/// line instead of the tab's.
/// </summary>
internal static class YamlSyntaxError
{
    public static ConfigException Describe(YamlException error, string text, string file)
    {
        if (error.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) &&
            FirstTabIndentedLine(text, fromLine: (int)error.Start.Line) is int line)
            return new ConfigException(
                $"Invalid YAML in '{file}' at line {line}: tabs are not allowed for indentation in YAML; indent with spaces.",
                file: file, inner: error);
        return new ConfigException($"Invalid YAML in '{file}' at line {error.Start.Line}: {error.Message}", file: file, inner: error);
    }

    /// <summary>The first 1-based line, from <paramref name="fromLine"/> on, whose leading white space holds a tab.</summary>
    private static int? FirstTabIndentedLine(string text, int fromLine)
    {
        int number = 0;
        foreach (ReadOnlySpan<char> line in text.AsSpan().EnumerateLines())
        {
            if (++number < fromLine) continue;
            ReadOnlySpan<char> indentation = line[..(line.Length - line.TrimStart(" \t").Length)];
            if (indentation.Contains('\t')) return number;
        }
        return null;
    }
}
