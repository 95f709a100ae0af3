using System.Diagnostics;
using D2Sharp.Backends;
using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Runtime;

/// <summary>
/// The library entry point: a built model with its weights on one backend. Runs images (resized,
/// normalised and padded as Detectron2 does) or already-normalised NCHW tensors, and returns every
/// backbone output and anchor grid. Plans are compiled once per input size and reused, so repeated
/// runs at one size allocate no new intermediate buffers; the most recently used
/// <see cref="MaxCachedPlans"/> sizes keep theirs. Runs on one session are serialised; use one
/// session per concurrent caller for parallel throughput.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly IBackend _backend;
    // Most recently used first; each executor owns an arena sized for its input.
    private readonly LinkedList<((int N, int H, int W) Size, IPlanExecutor Executor)> _executors = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    private InferenceSession(ModelSpec model, ModelWeights weights, IBackend backend, CheckpointMatch? match)
    {
        Model = model;
        Weights = weights;
        _backend = backend;
        WeightsMatch = match;
    }

    public ModelSpec Model { get; }
    public ModelWeights Weights { get; }
    /// <summary>How the checkpoint matched the graph; null when the weights were initialised deterministically.</summary>
    public CheckpointMatch? WeightsMatch { get; }
    public string Device => _backend.Name;

    /// <summary>
    /// How many input sizes keep a compiled plan (and its arena). Resized images of different
    /// aspect ratios pad to different sizes; older plans beyond this count are released.
    /// </summary>
    public int MaxCachedPlans
    {
        get => _maxCachedPlans;
        set => _maxCachedPlans = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be at least 1");
    }

    private int _maxCachedPlans = 4;

    internal int CachedPlans
    {
        get { lock (_gate) return _executors.Count; }
    }

    /// <summary>
    /// Loads a Detectron2 YAML (with <c>_BASE_</c> chain and <paramref name="opts"/> overrides), builds
    /// the model, and loads <paramref name="weightsPath"/> (a <c>.pkl</c>) or, when null, initialises
    /// the weights deterministically.
    /// </summary>
    public static InferenceSession Load(string configPath, IReadOnlyList<string>? opts = null, string? weightsPath = null, string device = "cpu")
    {
        var cfg = ConfigLoader.Load(configPath, opts);
        var model = ModelBuilder.Build(cfg);
        if (weightsPath == null)
            return Create(model, WeightBinder.Initialize(model.Graph), BackendFactory.Create(device));
        var (weights, match) = WeightBinder.LoadCheckpoint(model.Graph, weightsPath);
        return new InferenceSession(model, weights, BackendFactory.Create(device), match);
    }

    public static InferenceSession Create(ModelSpec model, ModelWeights weights, IBackend backend)
    {
        if (weights.Graph != model.Graph) throw new ArgumentException("the weights were prepared for a different graph than the model's");
        return new InferenceSession(model, weights, backend, null);
    }

    /// <summary>Detectron2's test-time preprocessing: ResizeShortestEdge(MIN_SIZE_TEST, MAX_SIZE_TEST) unless MIN_SIZE_TEST is 0, then normalise and pad.</summary>
    public ImageBatch Preprocess(IReadOnlyList<Image> images)
    {
        if (images.Count == 0) throw new ArgumentException("no images to run");
        int minSize = Model.Config.GetInt("INPUT.MIN_SIZE_TEST");
        int maxSize = Model.Config.GetInt("INPUT.MAX_SIZE_TEST");
        var prepared = images.Select(img =>
        {
            if (img.Format != Model.InputFormat)
                throw new ImageFormatException($"image is {img.Format} but the model reads {Model.InputFormat} (INPUT.FORMAT); load it with that format");
            return minSize > 0 ? ResizeShortestEdge.Apply(img, minSize, maxSize) : img;
        }).ToList();
        return Preprocessor.Normalize(prepared, Model.PixelMean, Model.PixelStd, Model.SizeDivisibility);
    }

    public InferenceResult Run(params Image[] images) => Run((IReadOnlyList<Image>)images);

    public InferenceResult Run(IReadOnlyList<Image> images)
    {
        var batch = Preprocess(images);
        return Execute(batch.Tensor, batch.ImageSizes);
    }

    /// <summary>
    /// Runs an already-normalised float32 N×C×H×W tensor; it is zero-padded bottom/right to the
    /// backbone's size divisibility when it is not a multiple already.
    /// </summary>
    public InferenceResult RunNormalized(Tensor input)
    {
        if (input.Rank != 4 || input.Shape[1] != Model.Graph.Input.Spec.Channels)
            throw new ShapeException(
                $"normalised input must be N×{Model.Graph.Input.Spec.Channels}×H×W float32, got {Tensor.ShapeString(input.Shape)}");
        var sizes = Enumerable.Repeat((input.Shape[2], input.Shape[3]), input.Shape[0]).ToArray();
        return Execute(PadToDivisibility(input, Model.SizeDivisibility), sizes);
    }

    private InferenceResult Execute(Tensor input, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var executor = ExecutorFor((input.Shape[0], input.Shape[2], input.Shape[3]));
            var watch = Stopwatch.StartNew();
            executor.Run(input.Data);
            watch.Stop();
            var outputs = new List<KeyValuePair<string, Tensor>>();
            foreach (var (name, value) in Model.Graph.Outputs)
            {
                var t = new Tensor(executor.Plan.ShapeOf(value));
                executor.ReadOutput(name, t.Data);
                outputs.Add(new(name, t));
            }
            return new InferenceResult(outputs, imageSizes, watch.Elapsed);
        }
    }

    private IPlanExecutor ExecutorFor((int N, int H, int W) size)
    {
        for (var node = _executors.First; node != null; node = node.Next)
        {
            if (node.Value.Size != size) continue;
            _executors.Remove(node);
            _executors.AddFirst(node);
            return node.Value.Executor;
        }
        var executor = _backend.Prepare(ExecutionPlan.Create(Model.Graph, size.N, size.H, size.W), Weights);
        _executors.AddFirst((size, executor));
        while (_executors.Count > _maxCachedPlans)
        {
            _executors.Last!.Value.Executor.Dispose();
            _executors.RemoveLast();
        }
        return executor;
    }

    private static Tensor PadToDivisibility(Tensor t, int divisibility)
    {
        if (divisibility <= 1) return t;
        int h = t.Shape[2], w = t.Shape[3];
        int ph = (h + divisibility - 1) / divisibility * divisibility;
        int pw = (w + divisibility - 1) / divisibility * divisibility;
        if (ph == h && pw == w) return t;
        int n = t.Shape[0], c = t.Shape[1];
        var padded = new Tensor([n, c, ph, pw]);
        for (int plane = 0; plane < n * c; plane++)
            for (int y = 0; y < h; y++)
                t.Data.AsSpan((plane * h + y) * w, w).CopyTo(padded.Data.AsSpan((plane * ph + y) * pw, w));
        return padded;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var (_, executor) in _executors) executor.Dispose();
            _executors.Clear();
        }
    }
}
