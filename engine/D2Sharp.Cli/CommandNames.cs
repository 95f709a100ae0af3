using System.CommandLine;

namespace D2Sharp.Cli;

/// <summary>Commands named as a user types them: <c>config show</c>, <c>d2sharp config show</c>.</summary>
internal static class CommandNames
{
    /// <summary>The words after <c>d2sharp</c>; empty for the root.</summary>
    public static string PathOf(Command command) => command switch
    {
        RootCommand => "",
        _ when command.Parents.OfType<Command>().FirstOrDefault() is { } parent and not RootCommand => $"{PathOf(parent)} {command.Name}",
        _ => command.Name,
    };

    public static string Qualified(Command command) => $"{Cli.Name} {PathOf(command)}".TrimEnd();

    /// <summary>The commands that run something (not the groups), in order.</summary>
    public static IEnumerable<Command> Leaves(Command command) =>
        command.Subcommands.Count == 0 ? [command] : command.Subcommands.SelectMany(Leaves);
}
