using D2Sharp;
using D2Sharp.Cli;
using D2Sharp.Cli.Commands;

return Cli.Run(args, Console.Out, Console.Error);

namespace D2Sharp.Cli
{
    internal static class Cli
    {
        private const string Usage = """
            d2sharp — run Detectron2 models from .NET

            usage:
              d2sharp run --config F [--opts K V ...] [--weights F.pkl|F.pth] --input X|folder [--device D] [--precision P]
                          [--threads T] [--scope backbone|rpn|detections] [--output out.npz|out.json]
                          [--intermediates] [--visualize out.png [--min-score S]] [--batch N] [--format text|json] [--strict]
              d2sharp visualize --config F [--opts K V ...] [--weights F.pkl|F.pth] --input IMAGE --output FOLDER
                                [--scope S] [--device D] [--threads T] [--min-score S]
              d2sharp export onnx --config F [--opts K V ...] [--weights F.pkl|F.pth] --size HxW [--batch N] [--scope S] --output model.onnx
              d2sharp config show --config F [--opts K V ...] [--strict]
              d2sharp graph --config F [--opts K V ...] [--size HxW] [--batch N] [--scope backbone|rpn|detections]
              d2sharp bench --config F [--opts K V ...] [--weights F.pkl|F.pth] --size HxW [--batch N] [--device D]
                            [--precision P] [--threads T] [--isa I] [--scope S] [--warmup W] [--iters N]
                            [--format text|json]
              d2sharp soak --config F [--opts K V ...] [--weights F.pkl|F.pth] --input IMAGE [--iterations N] [--clients C]
                           [--sessions shared|per-client] [--device D] [--threads T] [--scope S]
              d2sharp serve (--config F [--weights W] | --model NAME=CONFIG[,weights=W] ...) [--opts K V ...] [--device D]
                            [--port P] [--http-port P] [--max-batch N] [--max-delay-ms MS] [--queue-capacity N] ...
              d2sharp weights inspect F.pkl [--config F [--opts K V ...]]
              d2sharp zoo list [TEXT] | d2sharp zoo url CONFIG
              d2sharp info
              d2sharp --version | --help

            Run `d2sharp <command> --help` for a command's options. Errors are one line; add
            --verbose to any command for the stack trace of an internal error.
            """;

        private static readonly string[] Commands = ["run", "visualize", "graph", "bench", "soak", "serve", "info", "config show", "weights inspect", "export onnx", "zoo list", "zoo url"];

        /// <summary>The commands whose second word names the subcommand (<c>config show</c>, <c>zoo url</c>).</summary>
        private static bool IsGroup(string word) => word is "config" or "weights" or "export" or "zoo";

        private static ICommand GroupCommand(string group) => group switch
        {
            "config" => new ConfigShowCommand(),
            "weights" => new WeightsInspectCommand(),
            "zoo" => new ZooCommand(list: true),
            _ => new ExportOnnxCommand(),
        };

        /// <summary>Runs one command line; returns the exit code (0 ok, 1 error, 2 usage).</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            bool verbose = args.Contains(VerboseFlag);
            args = args.Where(a => a != VerboseFlag).ToArray();
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                // Asked for, the usage is the output; without any argument it is a usage error.
                (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] == "--version")
            {
                stdout.WriteLine($"d2sharp {typeof(D2SharpException).Assembly.GetName().Version} (.NET {Environment.Version})");
                return 0;
            }
            var rest = args.Skip(1).ToArray();
            ICommand? command = args[0] switch
            {
                "run" => new RunCommand(),
                "visualize" => new VisualizeCommand(),
                "graph" => new GraphCommand(),
                "bench" => new BenchCommand(),
                "soak" => new SoakCommand(),
                "serve" => new ServeCommand(),
                "info" => new InfoCommand(),
                "config" when rest.FirstOrDefault() == "show" => new ConfigShowCommand(),
                "weights" when rest.FirstOrDefault() == "inspect" => new WeightsInspectCommand(),
                "export" when rest.FirstOrDefault() == "onnx" => new ExportOnnxCommand(),
                "zoo" when rest.FirstOrDefault() == "list" => new ZooCommand(list: true),
                "zoo" when rest.FirstOrDefault() == "url" => new ZooCommand(list: false),
                _ => null,
            };
            if (command == null && IsGroup(args[0]) && rest.FirstOrDefault() is "--help" or "-h" or null)
            {
                // A command group asked for help (or given nothing): its commands' help.
                (rest.Length == 0 ? stderr : stdout).WriteLine(GroupCommand(args[0]).Help);
                return rest.Length == 0 ? 2 : 0;
            }
            if (command == null)
            {
                string typed = string.Join(' ', args.Take(IsGroup(args[0]) ? 2 : 1));
                // Matched on the first word: "wieghts inspect" and "conifg" find their command too.
                string? guess = Commands.MinBy(c => D2Sharp.Config.KeySuggestions.EditDistance(c.Split(' ')[0], args[0])) is { } best
                    && D2Sharp.Config.KeySuggestions.EditDistance(best.Split(' ')[0], args[0]) <= 2 && best != typed ? best : null;
                stderr.WriteLine($"d2sharp: unknown command '{typed}'" + (guess != null ? $"; did you mean '{guess}'?" : "") +
                    " (d2sharp --help lists the commands)");
                return 2;
            }
            if (IsGroup(args[0])) rest = rest.Skip(1).ToArray();
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                stdout.WriteLine(command.Help);
                return 0;
            }
            try
            {
                return command.Execute(rest, stdout);
            }
            catch (UsageException e)
            {
                string name = IsGroup(args[0]) ? $"{args[0]} {args[1]}" : args[0];
                stderr.WriteLine($"d2sharp: {e.Message} (d2sharp {name} --help shows the options)");
                return 2;
            }
            catch (Exception e) when (e is D2SharpException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"d2sharp: error: {D2SharpException.Sanitize(e.Message)}");
                if (verbose) stderr.WriteLine(e);
                return 1;
            }
            catch (Exception e)
            {
                // Not an input error D2Sharp knows: still one line and exit 1, never an abort.
                stderr.WriteLine($"d2sharp: internal error: {e.GetType().Name}: {D2SharpException.Sanitize(e.Message.Split('\n')[0])}" +
                    (verbose ? "" : " (--verbose shows the stack trace; please report it)"));
                if (verbose) stderr.WriteLine(e);
                return 1;
            }
        }

        private const string VerboseFlag = "--verbose";
    }
}
