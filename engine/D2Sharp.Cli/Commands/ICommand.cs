namespace D2Sharp.Cli.Commands;

/// <summary>One <c>d2sharp</c> subcommand.</summary>
internal interface ICommand
{
    string Help { get; }

    /// <summary>Runs with the arguments after the command name; returns the process exit code.</summary>
    int Execute(IReadOnlyList<string> args, TextWriter output);
}
