using System.CommandLine;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Cli.Commands;

internal sealed class WeightsInspectCommand : Command
{
    private readonly Argument<string> _checkpoint = new("checkpoint") { HelpName = "F.pkl", Description = "a Detectron2 .pkl (model zoo, Caffe2/MSRA, torchvision-converted) or a PyTorch .pth" };
    private readonly Option<string> _config = CliOptions.Text("--config", "F", "a Detectron2 YAML config: match the checkpoint against its model's parameters");
    private readonly Option<string[]> _opts = ConfigOverrides.Option();

    public WeightsInspectCommand()
        : base("inspect", "Lists a checkpoint's tensors (name, shape) and its format. With --config, also matches it against the model's " +
            "parameters and reports unused keys, missing parameters and shape mismatches, as loading would (exit code 1 when the checkpoint does not fit).")
    {
        Arguments.Add(_checkpoint);
        Options.AddAll(_config, _opts);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        var checkpoint = CheckpointLoader.Load(result.GetRequiredValue(_checkpoint));
        output.WriteLine($"{checkpoint.Path}: {checkpoint.Format} format, author {checkpoint.Author ?? "(none)"}, " +
                         $"matching heuristics {(checkpoint.MatchingHeuristics ? "on" : "off")}, {checkpoint.Tensors.Count} tensors");
        foreach (var (name, t) in checkpoint.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine($"  {name,-70} {Tensor.ShapeString(t.Shape)}");
        if (result.GetValue(_config) is not { } configPath) return 0;

        var model = ModelBuilder.Build(ConfigLoader.Load(configPath, ConfigOverrides.Of(result)));
        var match = CheckpointMatcher.Match(model.Graph.Parameters.ToList(), checkpoint);
        output.WriteLine();
        output.Write(match.Report());
        return match.IsComplete ? 0 : 1;
    }
}
