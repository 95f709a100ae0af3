using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;

namespace D2Sharp.Cli.Commands;

internal sealed class GraphCommand : ICommand
{
    public string Help => """
        d2sharp graph --config F [--opts K V ...] [--size HxW] [--batch N]

        Builds the model a config describes and prints its graph: each op with its inputs, output
        shape and stride, parameters (named as in Detectron2's state_dict) and MACs, then totals.
          --config F      a Detectron2 YAML config
          --opts K V ...  overrides, as Detectron2's merge_from_list
          --size HxW      input size (padded to the backbone's size divisibility);
                          default: INPUT.MIN_SIZE_TEST square, or 512x512 when that is 0
          --batch N       batch size (default 1)
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, ["--config", "--size", "--batch"]);
        var cfg = ConfigLoader.Load(cl.Require("--config"), cl.Opts);
        var model = ModelBuilder.Build(cfg);
        int minSize = cfg.GetInt("INPUT.MIN_SIZE_TEST");
        var (h, w) = cl.Get("--size") is { } s ? ParseSize(s) : minSize > 0 ? (minSize, minSize) : (512, 512);
        int batch = cl.Get("--batch") is { } b ? ParsePositive(b, "--batch") : 1;
        int div = model.SizeDivisibility;
        if (div > 1)
        {
            h = (h + div - 1) / div * div;
            w = (w + div - 1) / div * div;
        }
        var plan = ExecutionPlan.Create(model.Graph, batch, h, w);
        output.WriteLine($"config: {cl.Require("--config")}  backbone: {cfg.GetString("MODEL.BACKBONE.NAME")}  size divisibility: {div}");
        output.Write(GraphPrinter.Format(plan));
        return 0;
    }

    internal static (int H, int W) ParseSize(string s)
    {
        var parts = s.Split('x', 'X');
        if (parts.Length != 2) throw new UsageException($"--size must look like 800x1216, got '{s}'");
        return (ParsePositive(parts[0], "--size"), ParsePositive(parts[1], "--size"));
    }

    internal static int ParsePositive(string s, string option) =>
        int.TryParse(s, out int v) && v > 0 ? v : throw new UsageException($"{option} needs a positive integer, got '{s}'");
}
