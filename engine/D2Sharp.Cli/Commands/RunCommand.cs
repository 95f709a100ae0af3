using System.CommandLine;
using System.Diagnostics;
using D2Sharp.Backends;
using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Runtime;

namespace D2Sharp.Cli.Commands;

internal sealed class RunCommand : Command
{
    private readonly Option<string> _config = CliOptions.Config();
    private readonly Option<bool> _strict = CliOptions.Strict();
    private readonly Option<string[]> _opts = ConfigOverrides.Option();
    private readonly Option<string> _weights = CliOptions.Weights();
    private readonly Option<string> _input = CliOptions.Text("--input", "X",
        ".png/.jpg image; .npy uint8 H×W×3 image in INPUT.FORMAT channel order; .npy float32 N×3×H×W tensor already normalised with " +
        "PIXEL_MEAN/PIXEL_STD; or a folder: every .png/.jpg/.jpeg in it, one line per image (a progress bar and a table of where the " +
        "time went when the output is a terminal), --output .json for all of them", required: true);
    private readonly Option<int> _batch = CliOptions.Batch("with a folder: N images per run, padded to the largest as Detectron2's ImageList pads a batch");
    private readonly Option<string> _format = CliOptions.Format(
        "text or json: stdout is then one JSON document, {\"images\": [{file, height, width, backend_ms, run_ms, instances: [{class, " +
        "name, score, box}]}], ...} with \"outputs\" (one input) or \"summary\" (a folder)");
    private readonly Option<string> _device = CliOptions.Device();
    private readonly Option<string> _precision = CliOptions.Precision();
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly Option<ModelScope?> _scope = CliOptions.Scope(
        "default: as much of the model as the checkpoint holds weights for (a model-zoo checkpoint: detections; a backbone-only one, " +
        "or none: backbone). backbone: backbone features and anchors; rpn: also the RPN head's rpn_objectness_<f> / " +
        "rpn_anchor_deltas_<f>, each level's pre-NMS top-k (rpn_topk_logits_<f>, int64 rpn_topk_indices_<f>) and the proposals " +
        "(proposals_boxes [N, P, 4] XYXY in resized-image pixels, proposals_logits [N, P], int32 proposals_count [N]; P = " +
        "POST_NMS_TOPK_TEST); detections: also the ROI heads' box_features, box_cls_logits, box_deltas, det_boxes / det_scores / " +
        "int64 det_classes / det_count (D = DETECTIONS_PER_IMAGE), with MODEL.MASK_ON mask_probs, with MODEL.KEYPOINT_ON " +
        "keypoint_heatmaps, and the instances in original-image pixels, which are printed (for a ProposalNetwork, its proposals)");
    private readonly Option<string> _output = CliOptions.Text("--output", "out.npz|out.json",
        ".npz with the scope's results: image_sizes int32 [N, 2] (each image's height and width inside the padded input), the " +
        "features float32 NCHW (p2…p6), and for backbone the anchors_<f> float32 [H·W·A, 4] XYXY in Detectron2's order, for rpn the " +
        "proposals_*, for detections instances_boxes [K, 4] / instances_scores / int64 instances_classes / uint8 instances_masks " +
        "[K, H, W] / instances_keypoints [K, 17, 3] (suffixed _<i> per image in a batch); or .json: the instances in COCO's results " +
        "format, as Detectron2's COCOEvaluator writes them (image_id from the file's number, e.g. 397133 for 000000397133.jpg, " +
        "else 0; the dataset's category_id; bbox XYWH; score; segmentation as COCO RLE; keypoints)");
    private readonly Option<bool> _intermediates = CliOptions.Flag("--intermediates",
        "with an .npz: every output of the graph too, under the names and in the layout of the fixtures' expected.npz (rows cut to " +
        "each image's count, without the batch dimension), so that compare_det.py compares a run stage by stage");
    private readonly Option<string> _visualize = CliOptions.Text("--visualize", "out.png",
        "a .png of the input image with the instances drawn as Detectron2's Visualizer draws them: masks, boxes, \"class score%\" " +
        "labels, keypoints (--scope detections, an image input); for a ProposalNetwork the best 20 proposals, unlabelled");
    private readonly Option<float> _minScore = CliOptions.MinScore("the instances --visualize draws: score at least S");

    public RunCommand()
        : base("run", "Builds the model, loads the checkpoint, runs one input (or every image of a folder) and prints every output's " +
            "shape and the timing; with --output, writes the outputs to an .npz, or the instances as COCO results.")
    {
        Options.AddAll(_config, _strict, _opts, _weights, _input, _batch, _format, _device, _precision, _threads, _scope,
            _output, _intermediates, _visualize, _minScore);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult parsed, TextWriter output)
    {
        string configPath = parsed.GetRequiredValue(_config);
        string inputPath = parsed.GetRequiredValue(_input);
        var overrides = ConfigOverrides.Of(parsed);
        int batch = parsed.GetValue(_batch);
        bool json = parsed.GetValue(_format) == "json";
        // With --format json, stdout holds the JSON document alone.
        var log = json ? TextWriter.Null : output;
        if (batch > 1 && !Directory.Exists(inputPath)) throw new UsageException("--batch groups the images of a folder input; this input is one file");
        ModelScope? scope = parsed.GetValue(_scope);
        string? outPath = parsed.GetValue(_output), picture = parsed.GetValue(_visualize);
        CheckPathsBeforeLoading(configPath, inputPath, outPath, picture);

        var watch = Stopwatch.StartNew();
        var cfg = ConfigLoader.Load(configPath, overrides, StrictConfig.Options(parsed.GetValue(_strict)));
        string? weightsPath = ConfigRunSettings.Weights(cfg, parsed.GetValue(_weights));
        string device = ConfigRunSettings.Device(cfg, parsed.GetValue(_device));
        using var session = InferenceSession.Load(cfg, weightsPath,
            new SessionOptions
            {
                Device = device, Threads = parsed.GetValue(_threads) ?? 0, Scope = scope, Precision = BackendFactory.ParsePrecision(parsed.GetValue(_precision)),
            });
        var model = session.Model;
        log.WriteLine($"config:  {configPath} ({model.Config.GetString("MODEL.BACKBONE.NAME")}, {model.Graph.Nodes.Count} nodes)");
        if (session.WeightsMatch is { } match)
            log.WriteLine($"weights: {weightsPath}: {match.Parameters.Count} parameters loaded, {match.Unused.Count} checkpoint keys unused");
        else
            log.WriteLine($"weights: none given; {session.Weights.Source} (outputs are not a trained model's)");
        log.WriteLine($"device:  {device} ({session.Device} backend)   load: {watch.Elapsed.TotalMilliseconds:F0} ms");
        log.WriteLine($"scope:   {model.Scope.ToString().ToLowerInvariant()}" +
            (scope != null ? "" : weightsPath == null ? " (no checkpoint: the backbone; --scope to choose)" : " (as much of the model as the checkpoint holds; --scope to choose)"));

        if (Directory.Exists(inputPath))
        {
            if (picture != null) throw new UsageException("--visualize draws one image: give it an image, not a folder");
            return RunFolder(session, inputPath, outPath, batch, json, output, log);
        }
        watch.Restart();
        var result = RunInput(session, inputPath, log);
        watch.Stop();
        var instances = result.Instances ?? [];
        var metadata = instances.Count > 0 ? DatasetMetadata.For(model.Config) : null;
        if (json)
        {
            WriteJson(output, inputPath, result, watch.Elapsed, metadata);
        }
        else
        {
            output.WriteLine($"run:     {result.Elapsed.TotalMilliseconds:F1} ms in the backend, {watch.Elapsed.TotalMilliseconds:F1} ms with resizing, planning and output copies");
            foreach (var (name, tensor) in result.Outputs)
                output.WriteLine($"  {name,-22} {tensor.Type.Name(),-8} {Tensor.ShapeString(tensor.Shape)}");
            for (int i = 0; i < instances.Count; i++) PrintInstances(output, i, instances[i], metadata!);
        }

        if (picture != null)
        {
            if (metadata == null) throw new UsageException("--visualize draws the instances: it needs --scope detections");
            if (instances.Count != 1) throw new UsageException("--visualize draws one image; this input is a batch");
            float minScore = parsed.GetValue(_minScore);
            var (drawn, labelled) = Visualizer.Draw(ImageLoader.Load(inputPath, model.InputFormat), instances[0], metadata, minScore, picture);
            log.WriteLine($"wrote {picture}: {drawn} of {instances[0].Count} " + (instances[0].AreProposals ? "proposals (the best)" : $"instances (score ≥ {minScore})") +
                (labelled ? "" : "; no font file found for the labels (set D2SHARP_FONT to a .ttf)"));
        }
        if (outPath != null)
        {
            if (outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                if (metadata == null) throw new UsageException("--output .json writes COCO results of the instances: it needs --scope detections");
                WriteCocoResults(outPath, instances.Select(x => (ImageId(inputPath), x)).ToList(), metadata, log);
            }
            else
            {
                var written = parsed.GetValue(_intermediates) ? IntermediateArrays.Of(result, model.Graph) : result.Outputs.Where(o => IsResult(model, o.Key));
                Npz.Write(outPath, [.. written, ImageSizes(result), .. InstanceArrays(instances)]);
                log.WriteLine($"wrote {outPath}");
            }
        }
        return 0;
    }

    /// <summary>Every image of a folder (<see cref="FolderRun"/>); with <paramref name="outPath"/> (.json) the COCO results of all of them.</summary>
    private static int RunFolder(InferenceSession session, string folder, string? outPath, int batch, bool json, TextWriter output, TextWriter log)
    {
        if (outPath != null && !outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new UsageException("a folder input writes --output .json (COCO results); an .npz holds one input's tensors");
        var metadata = session.Model.Scope == ModelScope.Detections ? DatasetMetadata.For(session.Model.Config) : null;
        if (outPath != null && metadata == null) throw new UsageException("--output .json writes COCO results of the instances: it needs --scope detections");
        var results = new FolderRun(session, batch, json, output).Run(folder);
        if (outPath != null) WriteCocoResults(outPath, results, metadata!, log);
        return 0;
    }

    /// <summary>
    /// <c>--format json</c> for one input: <c>{"images": [{file, height, width, backend_ms, run_ms,
    /// instances}], "outputs": [{name, type, shape}]}</c> (the instances as <see cref="InstancesJson"/>).
    /// </summary>
    private static void WriteJson(TextWriter output, string inputPath, InferenceResult result, TimeSpan run, DatasetMetadata? metadata)
    {
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images");
            for (int i = 0; i < result.ImageSizes.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("file", inputPath);
                var instances = result.Instances?[i];
                writer.WriteNumber("height", instances?.ImageHeight ?? result.ImageSizes[i].Height);
                writer.WriteNumber("width", instances?.ImageWidth ?? result.ImageSizes[i].Width);
                writer.WriteNumber("backend_ms", Math.Round(result.Elapsed.TotalMilliseconds, 3));
                writer.WriteNumber("run_ms", Math.Round(run.TotalMilliseconds, 3));
                if (instances != null) InstancesJson.Write(writer, instances, metadata!);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            foreach (var (name, tensor) in result.Outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("type", tensor.Type.Name());
                writer.WriteStartArray("shape");
                foreach (int d in tensor.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteCocoResults(string path, IReadOnlyList<(long, Instances Instances)> images, DatasetMetadata metadata, TextWriter output)
    {
        using (var file = File.Create(path)) CocoResults.Write(file, images, metadata);
        output.WriteLine($"wrote {path}: {images.Sum(i => i.Instances.Count)} COCO results, category ids of " +
            (metadata.IsKnown ? metadata.Dataset : "no known dataset (the class index)"));
    }

    /// <summary>The input, and where the results go, checked before the model loads: a mistake there should not cost a run.</summary>
    private static void CheckPathsBeforeLoading(string config, string input, string? output, string? picture)
    {
        if (!File.Exists(config)) throw new D2SharpException($"{config}: no such config file");
        if (!File.Exists(input) && !Directory.Exists(input)) throw new D2SharpException($"{input}: no such file or folder");
        if (output != null && Path.GetExtension(output).ToLowerInvariant() is not (".npz" or ".json"))
            throw new UsageException($"--output {output}: write an .npz (tensors) or a .json (COCO results)");
        if (picture != null && !picture.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--visualize {picture}: the picture is a .png");
        foreach (var path in new[] { output, picture })
            if (path != null && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
                throw new D2SharpException($"{path}: the folder {folder} does not exist");
    }

    /// <summary>
    /// What an .npz holds without --intermediates: the backbone features and the scope's own result
    /// (the anchors of the backbone scope, the RPN's proposals; the detections scope's instances are
    /// added from the post-processing).
    /// </summary>
    private static bool IsResult(ModelSpec model, string output) =>
        model.FeatureNames.Contains(output) || model.Scope switch
        {
            ModelScope.Backbone => output.StartsWith("anchors_", StringComparison.Ordinal),
            ModelScope.Rpn => output.StartsWith("proposals_", StringComparison.Ordinal),
            _ => false,
        };

    /// <summary>COCO's image id from a file name such as 000000397133.jpg; 0 for any other name.</summary>
    private static long ImageId(string path) => long.TryParse(Path.GetFileNameWithoutExtension(path), out long id) && id >= 0 ? id : 0;

    private static void PrintInstances(TextWriter output, int image, Instances instances, DatasetMetadata metadata)
    {
        string what = instances.AreProposals ? "proposals" : "instances";
        string score = instances.AreProposals ? "objectness logit" : "score";
        output.WriteLine($"image {image}: {instances.Count} {what}{(instances.Masks != null ? " with masks" : "")}{(instances.Keypoints != null ? " with keypoints" : "")} in {instances.ImageHeight}x{instances.ImageWidth} pixels (class, {score}, x1 y1 x2 y2, name)");
        for (int k = 0; k < Math.Min(instances.Count, 10); k++)
        {
            var b = instances.Boxes.AsSpan(4 * k, 4);
            int cls = instances.Classes[k];
            string name = instances.AreProposals ? "proposal" : cls < metadata.ClassNames.Count ? metadata.ClassNames[cls] : "";
            string shown = instances.AreProposals ? "-" : cls.ToString(System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine(FormattableString.Invariant($"  {shown,4} {instances.Scores[k],7:F4}   {b[0]:F1} {b[1]:F1} {b[2]:F1} {b[3]:F1}   {name}"));
        }
        if (instances.Count > 10) output.WriteLine($"  … {instances.Count - 10} more");
    }

    /// <summary>Each image's size inside the padded input (height, width): what crops the padding off the features.</summary>
    private static KeyValuePair<string, Tensor> ImageSizes(InferenceResult result) =>
        new("image_sizes", new Tensor([result.ImageSizes.Count, 2], result.ImageSizes.SelectMany(s => new[] { s.Height, s.Width }).ToArray()));

    /// <summary>The instances under the fixtures' names, suffixed with the image index in a batch.</summary>
    private static IEnumerable<KeyValuePair<string, Tensor>> InstanceArrays(IReadOnlyList<Instances> instances)
    {
        for (int i = 0; i < instances.Count; i++)
        {
            string suffix = instances.Count == 1 ? "" : $"_{i}";
            var x = instances[i];
            yield return new($"instances_boxes{suffix}", new Tensor([x.Count, 4], x.Boxes));
            yield return new($"instances_scores{suffix}", new Tensor([x.Count], x.Scores));
            yield return new($"instances_classes{suffix}", new Tensor([x.Count], x.Classes.Select(c => (long)c).ToArray()));
            if (x.Masks is { } masks)
            {
                var bytes = new byte[(long)x.Count * x.ImageHeight * x.ImageWidth];
                for (int k = 0; k < masks.Count; k++) masks[k].CopyTo(bytes.AsSpan(k * x.ImageHeight * x.ImageWidth, x.ImageHeight * x.ImageWidth));
                yield return new($"instances_masks{suffix}", new Tensor([x.Count, x.ImageHeight, x.ImageWidth], bytes));
            }
            if (x.Keypoints is { } keypoints)
                yield return new($"instances_keypoints{suffix}", new Tensor([x.Count, x.KeypointsPerInstance, 3], keypoints));
        }
    }

    private static InferenceResult RunInput(InferenceSession session, string path, TextWriter output)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext != ".npy")
        {
            var image = ImageLoader.Load(path, session.Model.InputFormat);
            var result = session.Run(image);
            output.WriteLine($"input:   {path} {image.Height}x{image.Width} {image.Format} -> {Describe(result)}");
            return result;
        }
        var array = Npy.Read(path);
        if (array.DType == "|u1" && array.Shape.Length == 3 && array.Shape[2] == 3)
        {
            var image = ImageLoader.FromPixels(array.ToUInt8(), array.Shape[0], array.Shape[1], session.Model.InputFormat);
            var result = session.Run(image);
            output.WriteLine($"input:   {path} uint8 {image.Height}x{image.Width} ({image.Format}) -> {Describe(result)}");
            return result;
        }
        if (array.DType[1] == 'f' && array.Shape.Length == 4)
        {
            var result = session.RunNormalized(array.ToTensor());
            output.WriteLine($"input:   {path} normalised {Tensor.ShapeString(array.Shape)} -> {Describe(result)}");
            return result;
        }
        throw new ImageFormatException(
            $"{path}: expected a uint8 H×W×3 image or a float N×3×H×W tensor, got dtype {array.DType} shape {Tensor.ShapeString(array.Shape)}");
    }

    private static string Describe(InferenceResult r)
    {
        var (h, w) = r.ImageSizes[0];
        return $"{h}x{w} (batch {r.ImageSizes.Count})";
    }
}
