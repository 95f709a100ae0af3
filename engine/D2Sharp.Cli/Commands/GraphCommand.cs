using System.CommandLine;
using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Modeling;

namespace D2Sharp.Cli.Commands;

internal sealed class GraphCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<(int Height, int Width)?> _size = CliOptions.Size(
        "input size, padded to the backbone's size divisibility (default: INPUT.MIN_SIZE_TEST square, or 512x512 when that is 0)", required: false);
    private readonly Option<int> _batch = CliOptions.Batch();
    private readonly Option<ModelScope?> _scope = CliOptions.Scope(
        "backbone (default); rpn adds the RPN head, its per-level top-k and the proposals; detections adds the ROI heads and their detections");

    public GraphCommand()
        : base("graph", "Builds the model a config describes and prints its graph: each op with its inputs, output shape and stride, " +
            "parameters (named as in Detectron2's state_dict) and MACs, then totals. The memory line is the activation arena of a " +
            "float32 layout (64-byte aligned, in-place reuse, no kernel scratch), the same on every backend up to its scratch and alignment.")
    {
        Options.AddAll(_config, _opts, _size, _batch, _scope);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        string configPath = result.GetRequiredValue(_config);
        var scope = result.GetValue(_scope) ?? ModelScope.Backbone;
        var cfg = ConfigLoader.Load(configPath, ConfigOverrides.Of(result));
        var model = ModelBuilder.Build(cfg, scope);
        int minSize = cfg.GetInt("INPUT.MIN_SIZE_TEST");
        var (h, w) = result.GetValue(_size) ?? (minSize > 0 ? (minSize, minSize) : (512, 512));
        (h, w) = model.PaddedSize(h, w);
        var plan = model.PlanForImages(result.GetValue(_batch), h, w);
        var layout = ArenaLayout.Plan(plan, 64, v => plan.ElementsOf(v) * v.Type.SizeOf(), _ => 0);
        output.WriteLine($"config: {configPath}  backbone: {cfg.GetString("MODEL.BACKBONE.NAME")}  size divisibility: {model.SizeDivisibility}");
        output.Write(GraphPrinter.Format(plan, layout));
        return 0;
    }
}
