using System.CommandLine;

namespace D2Sharp.Cli;

/// <summary>
/// A command's usage on one line, made from its arguments and options
/// (<c>d2sharp config show --config F [--opts K V ...] [--strict]</c>): what a usage error shows
/// instead of the whole help.
/// </summary>
internal static class Synopsis
{
    public static string Of(Command command) =>
        string.Join(' ', [CommandNames.Qualified(command), .. command.Arguments.Select(Argument), .. command.Options.Select(Option)]);

    private static string Argument(Argument argument)
    {
        string name = argument.HelpName ?? argument.Name.ToUpperInvariant();
        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{name}]" : name;
    }

    private static string Option(Option option)
    {
        string usage = option.Arity.MaximumNumberOfValues == 0 ? option.Name : $"{option.Name} {option.HelpName ?? "VALUE"}";
        return option.Required ? usage : $"[{usage}]";
    }
}
