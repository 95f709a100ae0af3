using System.CommandLine;
using System.CommandLine.Parsing;

namespace D2Sharp.Cli;

/// <summary>
/// Detectron2's <c>--opts KEY VALUE ...</c>: the words after <c>--opts</c> up to the next option
/// the command knows, so that values such as <c>-1</c> or <c>[1, 2]</c> pass through. It may be
/// given several times; the groups concatenate, and each must hold whole pairs.
/// </summary>
internal static class ConfigOverrides
{
    private const string Name = "--opts";

    public static Option<string[]> Option(string description = "config overrides as Detectron2's merge_from_list, e.g. MODEL.RESNETS.DEPTH 101; may be repeated") =>
        new(Name)
        {
            HelpName = "K V ...",
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };

    /// <summary>Every KEY VALUE of every <c>--opts</c> group, in order; a group with a key but no value is a usage error.</summary>
    public static IReadOnlyList<string> Of(ParseResult result)
    {
        var overrides = new List<string>();
        // System.CommandLine merges the groups; the tokens still show where each began.
        var tokens = result.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type != TokenType.Option || tokens[i].Value != Name) continue;
            int first = overrides.Count;
            while (i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument) overrides.Add(tokens[++i].Value);
            if ((overrides.Count - first) % 2 != 0)
                throw new UsageException($"--opts takes KEY VALUE pairs; '{overrides[^1]}' has no value");
        }
        return overrides;
    }
}
