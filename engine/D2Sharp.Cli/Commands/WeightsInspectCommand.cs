using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Cli.Commands;

internal sealed class WeightsInspectCommand : ICommand
{
    public string Help => """
        d2sharp weights inspect F.pkl [--config F [--opts K V ...]]

        Lists a checkpoint's tensors (name, shape) and its format. With --config, also matches it
        against the model's parameters and reports unused keys, missing parameters and shape
        mismatches, as loading would (exit code 1 when the checkpoint does not fit).
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, ["--config"]);
        if (cl.Positionals.Count != 1) throw new UsageException("weights inspect needs exactly one checkpoint file");
        var checkpoint = CheckpointLoader.Load(cl.Positionals[0]);
        output.WriteLine($"{checkpoint.Path}: {checkpoint.Format} format, author {checkpoint.Author ?? "(none)"}, " +
                         $"matching heuristics {(checkpoint.MatchingHeuristics ? "on" : "off")}, {checkpoint.Tensors.Count} tensors");
        foreach (var (name, t) in checkpoint.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine($"  {name,-70} {Tensor.ShapeString(t.Shape)}");
        if (cl.Get("--config") is not { } configPath) return 0;

        var model = ModelBuilder.Build(ConfigLoader.Load(configPath, cl.Opts));
        var match = CheckpointMatcher.Match(model.Graph.Parameters.ToList(), checkpoint);
        output.WriteLine();
        output.Write(match.Report());
        return match.IsComplete ? 0 : 1;
    }
}
