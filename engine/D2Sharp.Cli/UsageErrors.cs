using System.CommandLine;
using System.CommandLine.Parsing;
using D2Sharp.Config;

namespace D2Sharp.Cli;

/// <summary>
/// A usage error as one line: what is wrong, a guess when a name was mistyped, and which help to
/// read. System.CommandLine's own report lists every error and reprints the help; ours does not.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The line (without the "d2sharp: " prefix) for a parse that failed.</summary>
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        if (result.UnmatchedTokens.Count > 0) return Unmatched(command, result.UnmatchedTokens[0]);
        // A missing required option is reported last: a mistake in what was typed says more.
        var error = result.Errors.FirstOrDefault(e => e.SymbolResult is not OptionResult { Implicit: true }) ?? result.Errors[0];
        string message = error.SymbolResult switch
        {
            OptionResult { Implicit: true } missing => $"missing required option {missing.Option.Name}",
            OptionResult { Tokens.Count: 0 } empty => $"option {empty.Option.Name} needs a value",
            ArgumentResult { Tokens.Count: 0 } argument => $"missing the {argument.Argument.Name} argument",
            // System.CommandLine's own messages may list choices on lines of their own.
            _ => string.Join(' ', error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
        };
        return $"{message} {Pointer(command)}";
    }

    /// <summary>Where to read more: the commands of a group, or a command's options.</summary>
    public static string Pointer(Command command) => command.Subcommands.Count > 0
        ? $"({CommandNames.Qualified(command)} --help lists the commands)"
        : $"({CommandNames.Qualified(command)} --help shows the options)";

    private static string Unmatched(Command command, string token)
    {
        if (token.StartsWith('-'))
        {
            var names = command.Options.Select(o => o.Name).Concat(Cli.OptionsOfEveryCommand);
            return $"unknown option {token}{Guess(token, names.Select(n => (n, n)))} {Pointer(command)}";
        }
        if (command.Subcommands.Count == 0) return $"unexpected argument '{token}' {Pointer(command)}";
        // Matched on the word typed: "wieghts inspect" and "conifg" find their command too.
        string typed = $"{CommandNames.PathOf(command)} {token}".TrimStart();
        int depth = typed.Count(c => c == ' ');
        var candidates = CommandNames.Leaves(command).Select(CommandNames.PathOf).Select(path => (path.Split(' ')[depth], path));
        return $"unknown command '{typed}'{Guess(token, candidates)} {Pointer(command)}";
    }

    /// <summary>"; did you mean 'x'?" for the closest name within two edits, or nothing.</summary>
    private static string Guess(string typed, IEnumerable<(string Word, string Name)> candidates)
    {
        var best = candidates.Select(c => (c.Name, Distance: KeySuggestions.EditDistance(c.Word, typed))).MinBy(c => c.Distance);
        return best.Name != null && best.Distance <= 2 ? $"; did you mean '{best.Name}'?" : "";
    }
}
