using System.Globalization;
using D2Sharp.Modeling;

namespace D2Sharp.Cli;

/// <summary>
/// How option values are read. Each throws <see cref="UsageException"/> with a message that names
/// the option and the value; <see cref="CliOptions"/> turns it into a parse error (exit code 2).
/// </summary>
internal static class OptionValues
{
    public static int Positive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new UsageException($"{option} needs a positive integer, got '{text}'");

    public static int Count(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            ? v : throw new UsageException($"{option} needs a count of 0 or more, got '{text}'");

    public static (int Height, int Width) Size(string text, string option)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length != 2) throw new UsageException($"{option} must look like 800x1216, got '{text}'");
        return (Positive(parts[0], option), Positive(parts[1], option));
    }

    public static ModelScope Scope(string text, string option) => text switch
    {
        "backbone" => ModelScope.Backbone,
        "rpn" => ModelScope.Rpn,
        "detections" => ModelScope.Detections,
        _ => throw new UsageException($"{option} must be backbone, rpn or detections, got '{text}'"),
    };

    public static float Score(string text, string option) =>
        float.TryParse(text, CultureInfo.InvariantCulture, out float v) && v is >= 0 and <= 1
            ? v : throw new UsageException($"{option} needs a score in [0, 1], got '{text}'");

    /// <summary>One of <paramref name="choices"/>, named in the message as "a, b or c".</summary>
    public static string Choice(string text, string option, IReadOnlyList<string> choices) =>
        choices.Contains(text) ? text : throw new UsageException($"{option} must be {Alternatives(choices)}, got '{text}'");

    public static string Alternatives(IReadOnlyList<string> choices) =>
        choices.Count == 1 ? choices[0] : $"{string.Join(", ", choices.Take(choices.Count - 1))} or {choices[^1]}";
}
