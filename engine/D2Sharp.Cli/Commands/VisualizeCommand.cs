using System.CommandLine;
using D2Sharp.Cli.Pictures;
using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;

namespace D2Sharp.Cli.Commands;

/// <summary><c>d2sharp visualize</c>: what a model sees and makes of one image, as pictures.</summary>
internal sealed class VisualizeCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<bool> _strict = CliOptions.Strict();
    private readonly Option<string> _weights = CliOptions.Weights(
        "the checkpoint (default: the config's MODEL.WEIGHTS; without either, initialised weights, which draw meaningless detections)");
    private readonly Option<string> _input = CliOptions.Text("--input", "IMAGE", "a .png, .jpg or a uint8 H×W×3 .npy in INPUT.FORMAT order", required: true);
    private readonly Option<string> _output = CliOptions.Text("--output", "FOLDER", "where the PNGs go (made when missing)", required: true);
    private readonly Option<ModelScope?> _scope = CliOptions.Scope(
        "backbone, rpn or detections (default: the most of the model D2Sharp builds; backbone for a checkpoint without heads)");
    private readonly Option<string> _device = CliOptions.Device("cpu, reference, cuda[:N] or auto (default: the config's MODEL.DEVICE, Detectron2's \"cuda\" read as auto)");
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly Option<float> _minScore = CliOptions.MinScore("the instances drawn in detections.png: score at least S");

    public VisualizeCommand()
        : base("visualize", "Runs the model on one image and writes PNGs into FOLDER: pyramid.png, the input and each backbone level as " +
            "a heat map of its activation strength (L2 norm over channels, viridis, each level's own 1-99 % range), titled with the " +
            "level's channels, stride and size; anchors.png, the image with one cell's anchors of each level outlined in the level's " +
            "colour, the level's cell centres along the middle row, and a legend; detections.png, for a model whose heads D2Sharp " +
            "builds: the instances as run --visualize draws them (masks, boxes, labels, keypoints).")
    {
        Options.AddAll(_config, _opts, _strict, _weights, _input, _output, _scope, _device, _threads, _minScore);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult parsed, TextWriter output)
    {
        string configPath = parsed.GetRequiredValue(_config), inputPath = parsed.GetRequiredValue(_input), folder = parsed.GetRequiredValue(_output);
        float minScore = parsed.GetValue(_minScore);
        var overrides = ConfigOverrides.Of(parsed);
        if (!File.Exists(configPath)) throw new D2SharpException($"{configPath}: no such config file");
        if (!File.Exists(inputPath)) throw new D2SharpException($"{inputPath}: no such file");

        var cfg = ConfigLoader.Load(configPath, overrides, StrictConfig.Options(parsed.GetValue(_strict)));
        string? weights = ConfigRunSettings.Weights(cfg, parsed.GetValue(_weights));
        var scope = parsed.GetValue(_scope) ?? ModelBuilder.DeepestScope(cfg);
        using var session = InferenceSession.Load(cfg, weights, new SessionOptions
        {
            Device = ConfigRunSettings.Device(cfg, parsed.GetValue(_device)), Threads = parsed.GetValue(_threads) ?? 0, Scope = scope,
        });
        if (weights == null) output.WriteLine("weights: none given, initialised deterministically: the pictures show the graph, not a trained model");
        // ImageLoader takes a .png/.jpg, or a uint8 H×W×3 .npy in INPUT.FORMAT order, and names anything else.
        var image = ImageLoader.Load(inputPath, session.Model.InputFormat);
        var result = session.Run(image);
        var resized = result.ImageSizes[0];
        Directory.CreateDirectory(folder);

        var model = session.Model;
        var levels = model.FeatureNames.Select(name =>
        {
            int stride = model.Graph.Output(name).Spec.Stride;
            return new PyramidPicture.Level(name, stride, result[name], Ceil(resized.Height, stride), Ceil(resized.Width, stride));
        }).ToList();
        string pyramid = Path.Combine(folder, "pyramid.png");
        PyramidPicture.Write(image, levels, pyramid);
        output.WriteLine($"wrote {pyramid}: the input and {Plural(levels.Count, "level")} ({string.Join(", ", levels.Select(l => l.Name))})");

        if (model.AnchorNames.Count > 0)
        {
            var anchors = model.AnchorNames.Select(name =>
            {
                string feature = name["anchors_".Length..];
                var map = result[feature];
                return new AnchorPicture.Level(feature, model.Graph.Output(feature).Spec.Stride, result[name], map.Shape[2], map.Shape[3]);
            }).ToList();
            string path = Path.Combine(folder, "anchors.png");
            AnchorPicture.Write(image, resized, anchors, path);
            output.WriteLine($"wrote {path}: one cell's anchors on each of {Plural(anchors.Count, "level")}");
        }
        if (result.Instances is [var instances])
        {
            string path = Path.Combine(folder, "detections.png");
            var (drawn, labelled) = Visualizer.Draw(image, instances, DatasetMetadata.For(model.Config), minScore, path);
            output.WriteLine($"wrote {path}: {drawn} of {instances.Count} " + (instances.AreProposals ? "proposals (the best)" : $"instances (score ≥ {minScore})") +
                (labelled ? "" : "; no font file found for the labels (set D2SHARP_FONT to a .ttf)"));
        }
        else
        {
            output.WriteLine(parsed.GetValue(_scope) != null
                ? $"no detections.png at --scope {scope.ToString().ToLowerInvariant()}"
                : $"no detections.png: D2Sharp builds {cfg.GetString("MODEL.META_ARCHITECTURE")} up to scope '{scope.ToString().ToLowerInvariant()}'");
        }
        return 0;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static int Ceil(int size, int stride) => (size + stride - 1) / stride;
}
