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
              d2sharp run --config F [--opts K V ...] [--weights F.pkl] --input X [--device D] [--precision P]
                          [--threads T] [--scope backbone|rpn|detections] [--output out.npz]
              d2sharp export onnx --config F [--opts K V ...] [--weights F.pkl] --size HxW [--batch N] [--scope S] --output model.onnx
              d2sharp config show --config F [--opts K V ...]
              d2sharp graph --config F [--opts K V ...] [--size HxW] [--batch N] [--scope backbone|rpn|detections]
              d2sharp bench --config F [--opts K V ...] [--weights F.pkl] --size HxW [--batch N] [--device D]
                            [--precision P] [--threads T] [--isa I] [--scope S] [--warmup W] [--iters N]
                            [--format text|json]
              d2sharp weights inspect F.pkl [--config F [--opts K V ...]]
              d2sharp info
              d2sharp --version | --help

            Run `d2sharp <command> --help` for a command's options.
            """;

        /// <summary>Runs one command line; returns the exit code (0 ok, 1 error, 2 usage).</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] == "--version")
            {
                stdout.WriteLine(typeof(D2SharpException).Assembly.GetName().Version);
                return 0;
            }
            var rest = args.Skip(1).ToArray();
            ICommand? command = args[0] switch
            {
                "run" => new RunCommand(),
                "graph" => new GraphCommand(),
                "bench" => new BenchCommand(),
                "info" => new InfoCommand(),
                "config" when rest.FirstOrDefault() == "show" => new ConfigShowCommand(),
                "weights" when rest.FirstOrDefault() == "inspect" => new WeightsInspectCommand(),
                "export" when rest.FirstOrDefault() == "onnx" => new ExportOnnxCommand(),
                _ => null,
            };
            if (command == null)
            {
                stderr.WriteLine($"d2sharp: unknown command '{string.Join(' ', args.Take(2))}'\n");
                stderr.WriteLine(Usage);
                return 2;
            }
            if (args[0] is "config" or "weights" or "export") rest = rest.Skip(1).ToArray();
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
                stderr.WriteLine($"d2sharp: {e.Message}\n");
                stderr.WriteLine(command.Help);
                return 2;
            }
            catch (D2SharpException e)
            {
                stderr.WriteLine($"d2sharp: error: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                stderr.WriteLine($"d2sharp: error: {e.Message}");
                return 1;
            }
            catch (UnauthorizedAccessException e)
            {
                stderr.WriteLine($"d2sharp: error: {e.Message}");
                return 1;
            }
        }
    }
}
