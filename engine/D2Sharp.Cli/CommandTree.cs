using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using D2Sharp.Cli.Commands;

namespace D2Sharp.Cli;

/// <summary>Every <c>d2sharp</c> command under one root, with the root's help, version and short usage.</summary>
internal static class CommandTree
{
    public static RootCommand Create(Option<bool> verbose)
    {
        var root = new RootCommand("d2sharp runs Detectron2 models from .NET: Detectron2's YAML configs and checkpoints, on the CPU or CUDA.")
        {
            new RunCommand(),
            new VisualizeCommand(),
            new BenchCommand(),
            new GraphCommand(),
            new SoakCommand(),
            new ServeCommand(),
            new InfoCommand(),
            Group("config", "Detectron2 configs as D2Sharp reads them.", new ConfigShowCommand()),
            Group("weights", "Checkpoints as D2Sharp reads them.", new WeightsInspectCommand()),
            Group("export", "The model in other formats.", new ExportOnnxCommand()),
            Group("zoo", "Detectron2's model zoo: which checkpoint to fetch for a config (D2Sharp downloads nothing).", ZooCommands.List(), ZooCommands.Url()),
            new CompletionCommand(),
        };
        root.HelpName = Cli.Name;
        // The [suggest] directive's line begins with the program's name, whatever the executable is called.
        if (root.Name != Cli.Name) root.Aliases.Add(Cli.Name);
        // --help and -h (System.CommandLine adds -? and /h, which only crowd the completions).
        root.Options.Remove(root.Options.OfType<HelpOption>().Single());
        var help = new HelpOption("--help", "-h");
        help.Action = new RootHelp((HelpAction)help.Action!);
        root.Options.Add(help);
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
        root.Options.Add(verbose);
        root.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            error.WriteLine($"usage: {Cli.Name} <command> [options]");
            error.WriteLine($"commands: {string.Join(", ", CommandNames.Leaves(root).Select(CommandNames.PathOf))}");
            error.WriteLine($"{Cli.Name} --help describes them; {Cli.Name} <command> --help shows a command's options");
            return 2;
        });
        return root;
    }

    /// <summary>A command whose second word names what it does (<c>config show</c>); given alone, a usage error that shows its commands.</summary>
    private static Command Group(string name, string description, params Command[] commands)
    {
        var group = new Command(name, description);
        foreach (var command in commands) group.Subcommands.Add(command);
        group.SetAction(result =>
        {
            result.InvocationConfiguration.Error.WriteLine(
                $"{Cli.Name}: {name} needs a command: {string.Join(" | ", commands.Select(Synopsis.Of))} {UsageErrors.Pointer(group)}");
            return 2;
        });
        return group;
    }

    /// <summary><c>--version</c>: the version and the .NET it runs on, which a bug report needs.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"{Cli.Name} {typeof(D2SharpException).Assembly.GetName().Version} (.NET {Environment.Version})");
            return 0;
        }
    }
}
