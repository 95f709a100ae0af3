using System.CommandLine;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Onnx;
using D2Sharp.Weights;

namespace D2Sharp.Cli.Commands;

internal sealed class ExportOnnxCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<string> _weights = CliOptions.Weights(
        "a Detectron2 .pkl or PyTorch .pth checkpoint; without it the weights are initialised deterministically");
    private readonly Option<(int Height, int Width)?> _size = CliOptions.Size("input size, padded to the backbone's size divisibility", required: true);
    private readonly Option<int> _batch = CliOptions.Batch("batch size");
    private readonly Option<ModelScope?> _scope = CliOptions.Scope(
        "backbone (default) or rpn (adds the RPN head and its per-level top-k; the proposals are not exported)");
    private readonly Option<string> _output = CliOptions.Text("--output", "model.onnx", "the ONNX file to write", required: true);
    private readonly Option<string> _outputs = CliOptions.Text("--outputs", "A,B", "only these outputs (default: every output the exporter can write)");

    public ExportOnnxCommand()
        : base("onnx", "Writes the model built from the config, with its weights (BatchNorm folded), as an ONNX model at one input size: " +
            "opset 17, or 19 when it has deformable convolutions (ONNX DeformConv). The model's input 'image' is the normalised float32 " +
            "N×3×H×W tensor, H and W padded to the backbone's size divisibility; its outputs are d2sharp run's, under the same names, " +
            "except those ONNX cannot express faithfully (the RPN's proposals: per-image clipping and NMS).")
    {
        Options.AddAll(_config, _opts, _weights, _size, _batch, _scope, _output, _outputs);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        var (height, width) = result.GetValue(_size)!.Value;
        int batch = result.GetValue(_batch);
        var scope = result.GetValue(_scope) ?? ModelScope.Backbone;
        string path = result.GetRequiredValue(_output);
        var model = ModelBuilder.Build(ConfigLoader.Load(result.GetRequiredValue(_config), ConfigOverrides.Of(result)), scope);
        var weights = result.GetValue(_weights) is { } w ? WeightBinder.LoadCheckpoint(model.Graph, w).Weights : WeightBinder.Initialize(model.Graph);
        (height, width) = model.PaddedSize(height, width);
        var outputs = result.GetValue(_outputs) is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : OnnxExporter.ExportableOutputs(model);
        var unknown = outputs.Except(model.Graph.Outputs.Select(o => o.Key)).ToList();
        if (unknown.Count > 0 || outputs.Count == 0)
            throw new UsageException($"--outputs: {(unknown.Count > 0 ? $"no output '{unknown[0]}'" : "no outputs named")}; this model's outputs: {string.Join(", ", model.Graph.Outputs.Select(o => o.Key))}");
        OnnxExporter.Save(model, weights, batch, height, width, path, outputs);
        output.WriteLine($"wrote {path}: {new FileInfo(path).Length / 1048576.0:F1} MiB, input 'image' float32 [{batch}, 3, {height}, {width}], " +
                         $"outputs {string.Join(", ", outputs)}; weights: {weights.Source}");
        var left = model.Graph.Outputs.Select(o => o.Key).Except(outputs).ToList();
        if (left.Count > 0) output.WriteLine($"not exported: {string.Join(", ", left)}");
        return 0;
    }
}
