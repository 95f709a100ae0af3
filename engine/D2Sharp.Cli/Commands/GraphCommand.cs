using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Modeling;

namespace D2Sharp.Cli.Commands;

internal sealed class GraphCommand : ICommand
{
    public string Help => """
        d2sharp graph --config F [--opts K V ...] [--size HxW] [--batch N] [--scope backbone|rpn|detections]

        Builds the model a config describes and prints its graph: each op with its inputs, output
        shape and stride, parameters (named as in Detectron2's state_dict) and MACs, then totals.
          --config F      a Detectron2 YAML config
          --opts K V ...  overrides, as Detectron2's merge_from_list
          --size HxW      input size (padded to the backbone's size divisibility);
                          default: INPUT.MIN_SIZE_TEST square, or 512x512 when that is 0
          --batch N       batch size (default 1)
          --scope S       backbone (default); rpn (adds the RPN head, its per-level top-k and the
                          proposals); detections (adds the ROI heads and their detections)

        The memory line is the activation arena of a float32 layout (64-byte aligned, in-place
        reuse, no kernel scratch), the same on every backend up to its scratch and alignment.
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, ["--config", "--size", "--batch", "--scope"]);
        var scope = ParseScope(cl.Get("--scope"));
        var cfg = ConfigLoader.Load(cl.Require("--config"), cl.Opts);
        var model = ModelBuilder.Build(cfg, scope);
        int minSize = cfg.GetInt("INPUT.MIN_SIZE_TEST");
        var (h, w) = cl.Get("--size") is { } s ? ParseSize(s) : minSize > 0 ? (minSize, minSize) : (512, 512);
        int batch = cl.Get("--batch") is { } b ? ParsePositive(b, "--batch") : 1;
        (h, w) = model.PaddedSize(h, w);
        var plan = model.PlanForImages(batch, h, w);
        var layout = ArenaLayout.Plan(plan, 64, v => plan.ElementsOf(v) * v.Type.SizeOf(), _ => 0);
        output.WriteLine($"config: {cl.Require("--config")}  backbone: {cfg.GetString("MODEL.BACKBONE.NAME")}  size divisibility: {model.SizeDivisibility}");
        output.Write(GraphPrinter.Format(plan, layout));
        return 0;
    }

    internal static ModelScope ParseScope(string? s) => s switch
    {
        null or "backbone" => ModelScope.Backbone,
        "rpn" => ModelScope.Rpn,
        "detections" => ModelScope.Detections,
        _ => throw new UsageException($"--scope must be backbone, rpn or detections, got '{s}'"),
    };

    internal static (int H, int W) ParseSize(string s)
    {
        var parts = s.Split('x', 'X');
        if (parts.Length != 2) throw new UsageException($"--size must look like 800x1216, got '{s}'");
        return (ParsePositive(parts[0], "--size"), ParsePositive(parts[1], "--size"));
    }

    internal static int ParsePositive(string s, string option) =>
        int.TryParse(s, out int v) && v > 0 ? v : throw new UsageException($"{option} needs a positive integer, got '{s}'");
}
