using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Onnx;
using D2Sharp.Weights;

namespace D2Sharp.Cli.Commands;

internal sealed class ExportOnnxCommand : ICommand
{
    public string Help => """
        d2sharp export onnx --config F [--opts K V ...] [--weights F.pkl|F.pth] --size HxW [--batch N] [--scope S] --output model.onnx

        Writes the model built from the config, with its weights (BatchNorm folded), as an ONNX model
        at one input size: opset 17, or 19 when it has deformable convolutions (ONNX DeformConv).
        The model's input 'image' is the normalised float32 N×3×H×W tensor, H and W padded to the
        backbone's size divisibility; its outputs are d2sharp run's, under the same names, except
        those ONNX cannot express faithfully (the RPN's proposals: per-image clipping and NMS).
          --size HxW      input size (padded to the size divisibility)
          --batch N       batch size (default 1)
          --weights F     a Detectron2 .pkl or PyTorch .pth checkpoint; without it the weights are initialised deterministically
          --scope S       backbone (default) or rpn (adds the RPN head and its per-level top-k; the proposals are not exported)
          --outputs A,B   only these outputs (default: every output the exporter can write)
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = CommandLine.Parse(args, ["--config", "--weights", "--size", "--batch", "--scope", "--output", "--outputs"]);
        if (cl.Positionals.Count > 0) throw new UsageException($"unexpected argument '{cl.Positionals[0]}'");
        var (height, width) = GraphCommand.ParseSize(cl.Require("--size"));
        int batch = cl.Get("--batch") is { } b ? GraphCommand.ParsePositive(b, "--batch") : 1;
        var scope = GraphCommand.ParseScope(cl.Get("--scope"));
        string path = cl.Require("--output");
        var model = ModelBuilder.Build(ConfigLoader.Load(cl.Require("--config"), cl.Opts), scope);
        var weights = cl.Get("--weights") is { } w ? WeightBinder.LoadCheckpoint(model.Graph, w).Weights : WeightBinder.Initialize(model.Graph);
        (height, width) = model.PaddedSize(height, width);
        var outputs = cl.Get("--outputs") is { } list
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
