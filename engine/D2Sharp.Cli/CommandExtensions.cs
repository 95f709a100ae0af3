using System.CommandLine;

namespace D2Sharp.Cli;

internal static class CommandExtensions
{
    public static void AddAll(this IList<Option> options, params Option[] added)
    {
        foreach (var option in added) options.Add(option);
    }

    /// <summary>The command's action, given the stdout of this invocation (a test's writer, or the console).</summary>
    public static void SetOutputAction(this Command command, Func<ParseResult, TextWriter, int> action) =>
        command.SetAction(result => action(result, result.InvocationConfiguration.Output));
}
