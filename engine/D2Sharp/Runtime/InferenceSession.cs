using System.Diagnostics;
using System.Runtime.InteropServices;
using D2Sharp.Backends;
using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Ops;
using D2Sharp.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace D2Sharp.Runtime;

/// <summary>
/// The library entry point: a built model whose weights are bound once to one backend. Runs
/// images (resized as Detectron2 does, then normalised and padded by the graph's first op) or
/// already-normalised NCHW tensors, and returns every graph output. Each padded input size gets
/// its own plan, made on first use with no weight work and kept for the <see cref="MaxCachedPlans"/>
/// most recently used sizes; all plans share one arena that grows to the largest. Runs on one
/// session are serialised, in the order they were called; use one session per concurrent caller
/// for parallel throughput.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private enum Entry { Images, Normalized }

    private readonly IBoundModel _bound;
    // Most recently used first.
    private readonly LinkedList<((Entry Entry, int N, int H, int W) Key, IPlanExecutor Executor)> _executors = new();
    private readonly FifoGate _gate = new();
    // Staging for inputs that need padding, grown to the largest seen, so a repeated size allocates nothing.
    private byte[] _pixels = [];
    private int[] _sizes = [];
    private float[] _padded = [];
    private readonly int _minSize, _maxSize;
    private int _maxCachedPlans = 16;
    private bool _disposed;

    private readonly ILogger _log;

    private InferenceSession(ModelSpec model, ModelWeights weights, IBackend backend, CheckpointMatch? match, ILogger? logger)
    {
        _log = logger ?? NullLogger.Instance;
        if (weights.Graph != model.Graph) throw new ArgumentException("the weights were prepared for a different graph than the model's");
        Model = model;
        Weights = weights;
        WeightsMatch = match;
        _minSize = model.Config.GetInt("INPUT.MIN_SIZE_TEST");
        _maxSize = model.Config.GetInt("INPUT.MAX_SIZE_TEST");
        _bound = backend.Bind(model.Graph, weights);
    }

    /// <summary>The built model: config, graph, input format and padding.</summary>
    public ModelSpec Model { get; }
    /// <summary>The weights bound to the backend, matched to <see cref="ModelSpec.Graph"/>.</summary>
    public ModelWeights Weights { get; }
    /// <summary>How the checkpoint matched the graph; null when the weights were initialised deterministically or given directly.</summary>
    public CheckpointMatch? WeightsMatch { get; }
    /// <summary>The backend's name: <c>cpu</c>, <c>reference</c> or <c>cuda</c>.</summary>
    public string Device => _bound.Backend.Name;

    /// <summary>Bytes of the arena the plans share: the largest any input size so far needed.</summary>
    public long ArenaBytes => _bound.ArenaBytes;

    /// <summary>The most bytes the arena may grow to (see <see cref="SessionOptions.MaxArenaBytes"/>); <see cref="long.MaxValue"/> for no limit of its own.</summary>
    public long ArenaLimit
    {
        get => _bound.ArenaLimit;
        set => _bound.ArenaLimit = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
    }

    /// <summary>
    /// How many input sizes keep a prepared plan (its layout and constants such as anchor grids;
    /// the arena is shared). Older plans beyond this count are released and prepared again on
    /// their next use, which costs no weight work.
    /// </summary>
    public int MaxCachedPlans
    {
        get => _maxCachedPlans;
        set => _maxCachedPlans = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be at least 1");
    }

    /// <summary>
    /// Whether NaN and ±infinity in a float input may pass into the model (and its outputs); false
    /// (default) refuses them with a <see cref="NonFiniteInputException"/>. See <see cref="SessionOptions.AllowNonFiniteInputs"/>.
    /// </summary>
    public bool AllowNonFiniteInputs { get; set; }

    internal int CachedPlans
    {
        get { using (_gate.Enter()) return _executors.Count; }
    }

    /// <summary>
    /// Loads a Detectron2 YAML (with <c>_BASE_</c> chain and <paramref name="opts"/> overrides), builds
    /// the model, loads <paramref name="weightsPath"/> (a <c>.pkl</c> or <c>.pth</c>, see <see cref="D2Sharp.Weights.CheckpointLoader.Load"/>) or, when null, initialises the
    /// weights deterministically, and binds them to the options' device.
    /// </summary>
    public static InferenceSession Load(string configPath, IReadOnlyList<string>? opts = null, string? weightsPath = null,
        SessionOptions? options = null)
    {
        options ??= new SessionOptions();
        var log = options.Logger ?? NullLogger.Instance;
        long start = Stopwatch.GetTimestamp();
        var configOptions = options.ConfigOptions ?? ConfigLoadOptions.Default;
        if (configOptions.OnWarning == null) configOptions = configOptions with { OnWarning = w => SessionLog.ConfigWarning(log, w.Message) };
        return Load(ConfigLoader.Load(configPath, opts, configOptions), weightsPath, options, configPath, start);
    }

    /// <summary>
    /// As <see cref="Load(string, IReadOnlyList{string}?, string?, SessionOptions?)"/> for a config
    /// already loaded (and possibly changed) by the caller.
    /// </summary>
    public static InferenceSession Load(CfgNode cfg, string? weightsPath = null, SessionOptions? options = null) =>
        Load(cfg, weightsPath, options ?? new SessionOptions(), "the given config", Stopwatch.GetTimestamp());

    private static InferenceSession Load(CfgNode cfg, string? weightsPath, SessionOptions options, string configName, long start)
    {
        var log = options.Logger ?? NullLogger.Instance;
        var checkpoint = weightsPath == null ? null : CheckpointLoader.Load(weightsPath);
        var scope = options.Scope ?? (checkpoint == null ? ModelScope.Backbone : ScopeCoveredBy(cfg, checkpoint, log));
        var model = ModelBuilder.Build(cfg, scope);
        var backend = BackendFactory.Create(options.Device, options.Threads, options.Precision);
        var (weights, match) = checkpoint == null ? (WeightBinder.Initialize(model.Graph), null) : WeightBinder.BindCheckpoint(model.Graph, checkpoint, weightsPath!);
        if (match is { Unused.Count: > 0 })
            SessionLog.UnusedCheckpointKeys(log, match.Unused.Count, string.Join(", ", match.Unused.Take(5)));
        var session = new InferenceSession(model, weights, backend, match, log) { AllowNonFiniteInputs = options.AllowNonFiniteInputs };
        if (options.MaxArenaBytes is { } limit) session.ArenaLimit = limit;
        SessionLog.Loaded(log, configName, model.Graph.Nodes.Count, weightsPath ?? weights.Source, session.Device, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return session;
    }

    /// <summary>
    /// The deepest scope, from <see cref="ModelBuilder.DeepestScope"/> down, whose every parameter
    /// the checkpoint holds (a model-zoo checkpoint: the whole model; a backbone-only one:
    /// <see cref="ModelScope.Backbone"/>); Backbone when none fits, which then fails with the
    /// checkpoint's report. A deeper scope that does not build (a head D2Sharp lacks) is logged and passed over.
    /// </summary>
    private static ModelScope ScopeCoveredBy(CfgNode cfg, Checkpoint checkpoint, ILogger log)
    {
        for (var scope = ModelBuilder.DeepestScope(cfg); scope > ModelScope.Backbone; scope--)
        {
            try
            {
                if (CheckpointMatcher.Match(ModelBuilder.Build(cfg, scope).Graph.Parameters.ToList(), checkpoint).IsComplete) return scope;
            }
            catch (ModelBuildException e)
            {
                SessionLog.ScopeNotBuilt(log, scope.ToString(), e.Message);
            }
        }
        return ModelScope.Backbone;
    }

    /// <summary>A session on an already-built model and weights; <paramref name="logger"/> as <see cref="SessionOptions.Logger"/>.</summary>
    public static InferenceSession Create(ModelSpec model, ModelWeights weights, IBackend backend, ILogger? logger = null) =>
        new(model, weights, backend, null, logger);

    /// <summary>Detectron2's test-time resize: ResizeShortestEdge(MIN_SIZE_TEST, MAX_SIZE_TEST), or none when MIN_SIZE_TEST is 0.</summary>
    public Image Resize(Image image)
    {
        if (image.Format != Model.InputFormat)
            throw new ImageFormatException($"image is {image.Format} but the model reads {Model.InputFormat} (INPUT.FORMAT); load it with that format");
        return _minSize > 0 ? ResizeShortestEdge.Apply(image, _minSize, _maxSize) : image;
    }

    /// <summary>Resizes, normalises and pads <paramref name="images"/> as one batch (all in <see cref="ModelSpec.InputFormat"/>) and returns every output in new tensors.</summary>
    /// <exception cref="ImageFormatException">An image is not in the model's <c>INPUT.FORMAT</c>.</exception>
    public InferenceResult Run(params Image[] images) => Run((IReadOnlyList<Image>)images);

    /// <summary>Resizes, normalises and pads <paramref name="images"/> as one batch and returns every output in new tensors.</summary>
    public InferenceResult Run(IReadOnlyList<Image> images) => Run(images, CancellationToken.None);

    /// <summary>
    /// As <see cref="Run(IReadOnlyList{Image})"/>; <paramref name="cancellation"/> is checked between
    /// the plan's ops and ends the run with an <see cref="OperationCanceledException"/>. The session
    /// stays usable.
    /// </summary>
    public InferenceResult Run(IReadOnlyList<Image> images, CancellationToken cancellation)
    {
        var resized = images.Select(Resize).ToArray();
        using (_gate.Enter()) return RunResized(images, resized, cancellation);
    }

    /// <summary>
    /// <see cref="Run(IReadOnlyList{Image}, CancellationToken)"/> on the thread pool. Runs on one
    /// session take turns in the order they were called; a call waiting for its turn holds no
    /// thread, and <paramref name="cancellation"/> also withdraws it from the queue. Use a session
    /// per concurrent caller for parallel throughput.
    /// </summary>
    public Task<InferenceResult> RunAsync(IReadOnlyList<Image> images, CancellationToken cancellation = default) =>
        Task.Run(async () =>
        {
            var resized = images.Select(Resize).ToArray();
            using (await _gate.EnterAsync(cancellation).ConfigureAwait(false)) return RunResized(images, resized, cancellation);
        }, cancellation);

    private InferenceResult RunResized(IReadOnlyList<Image> images, Image[] resized, CancellationToken cancellation)
    {
        var (executor, elapsed) = RunImages(resized, cancellation);
        return Collect(executor, resized.Select(im => (im.Height, im.Width)).ToArray(), images.Select(im => (im.Height, im.Width)).ToArray(), elapsed);
    }

    /// <summary>
    /// As <see cref="Run(IReadOnlyList{Image})"/>, writing only the outputs bound in
    /// <paramref name="outputs"/> into the caller's buffers. After the first run at a size it
    /// allocates nothing, as long as no image needs resizing (MIN_SIZE_TEST 0, or images already at
    /// the size the resize picks).
    /// </summary>
    public RunInfo RunInto(IReadOnlyList<Image> images, OutputBuffers outputs)
    {
        using (_gate.Enter())
        {
            for (int i = 0; i < images.Count; i++)
            {
                var image = Resize(images[i]);
                if (image != images[i])
                    throw new ArgumentException($"image {i} is {images[i].Height}x{images[i].Width}; RunInto takes images at the size INPUT.MIN_SIZE_TEST gives ({image.Height}x{image.Width}): call Resize first");
            }
            var (executor, elapsed) = RunImages(images, CancellationToken.None);
            return Deliver(executor, outputs, elapsed);
        }
    }

    /// <summary>
    /// Runs an already-normalised float32 N×3×H×W tensor; it is zero-padded bottom/right to the
    /// backbone's size divisibility when it is not a multiple already. Every image's size (what
    /// the RPN clips its proposals to) is the H×W given.
    /// </summary>
    /// <exception cref="NonFiniteInputException">The tensor holds NaN or ±infinity and <see cref="AllowNonFiniteInputs"/> is false.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled between two of the plan's ops.</exception>
    public InferenceResult RunNormalized(Tensor input, CancellationToken cancellation = default)
    {
        using (_gate.Enter()) return RunNormalizedInTurn(input, cancellation);
    }

    /// <summary><see cref="RunNormalized"/> on the thread pool; runs on one session take turns, and a call waiting for its turn holds no thread.</summary>
    public Task<InferenceResult> RunNormalizedAsync(Tensor input, CancellationToken cancellation = default) =>
        Task.Run(async () =>
        {
            using (await _gate.EnterAsync(cancellation).ConfigureAwait(false)) return RunNormalizedInTurn(input, cancellation);
        }, cancellation);

    private InferenceResult RunNormalizedInTurn(Tensor input, CancellationToken cancellation)
    {
        var (executor, elapsed) = RunTensor(input, cancellation);
        var sizes = Enumerable.Repeat((input.Shape[2], input.Shape[3]), input.Shape[0]).ToArray();
        return Collect(executor, sizes, sizes, elapsed);
    }

    /// <summary>As <see cref="RunNormalized"/>, writing the bound outputs into the caller's buffers; allocates nothing after the first run at a size.</summary>
    /// <exception cref="NonFiniteInputException">The tensor holds NaN or ±infinity and <see cref="AllowNonFiniteInputs"/> is false.</exception>
    public RunInfo RunNormalizedInto(Tensor input, OutputBuffers outputs)
    {
        using (_gate.Enter())
        {
            var (executor, elapsed) = RunTensor(input, CancellationToken.None);
            return Deliver(executor, outputs, elapsed);
        }
    }

    private (IPlanExecutor, TimeSpan) RunImages(IReadOnlyList<Image> images, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (images.Count == 0) throw new ArgumentException("no images to run");
        int maxHeight = 0, maxWidth = 0;
        // Both callers passed every image through Resize, which checked its format.
        for (int i = 0; i < images.Count; i++)
        {
            maxHeight = Math.Max(maxHeight, images[i].Height);
            maxWidth = Math.Max(maxWidth, images[i].Width);
        }
        var (height, width) = Model.PaddedSize(maxHeight, maxWidth);
        int n = images.Count, channels = Model.PixelMean.Count;
        var executor = ExecutorFor((Entry.Images, n, height, width));

        var pixels = Staging(ref _pixels, n * height * width * channels);
        var sizes = Staging(ref _sizes, 2 * n);
        pixels.Clear();
        for (int i = 0; i < n; i++)
        {
            var image = images[i];
            int row = image.Width * channels;
            for (int y = 0; y < image.Height; y++)
                image.Pixels.AsSpan(y * row, row).CopyTo(pixels.Slice(((i * height) + y) * width * channels, row));
            sizes[2 * i] = image.Height;
            sizes[2 * i + 1] = image.Width;
        }
        executor.SetInput(0, pixels);
        executor.SetInput(1, MemoryMarshal.AsBytes(sizes));
        return (executor, Execute(executor, cancellation));
    }

    private (IPlanExecutor, TimeSpan) RunTensor(Tensor input, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int channels = Model.PixelMean.Count;
        if (input.Rank != 4 || input.Shape[1] != channels || input.Type != DataType.Float32)
            throw new ShapeException($"normalised input must be N×{channels}×H×W float32, got {input.Type.Name()} {Tensor.ShapeString(input.Shape)}");
        if (!AllowNonFiniteInputs) NonFiniteInputs.ThrowIfAny(input, Model.Image.Name);
        int n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        var (height, width) = Model.PaddedSize(h, w);
        var executor = ExecutorFor((Entry.Normalized, n, height, width));
        if (height == h && width == w)
        {
            executor.SetInput(0, input.Bytes);
        }
        else
        {
            var padded = Staging(ref _padded, n * channels * height * width);
            padded.Clear();
            for (int plane = 0; plane < n * channels; plane++)
                for (int y = 0; y < h; y++)
                    input.Data.AsSpan((plane * h + y) * w, w).CopyTo(padded.Slice((plane * height + y) * width, w));
            executor.SetInput(0, MemoryMarshal.AsBytes(padded));
        }
        if (executor.Plan.Inputs.Count > 1)
        {
            // The image sizes: the tensor as given, before the padding.
            var sizes = Staging(ref _sizes, 2 * n);
            for (int i = 0; i < n; i++) (sizes[2 * i], sizes[2 * i + 1]) = (h, w);
            executor.SetInput(1, MemoryMarshal.AsBytes(sizes));
        }
        return (executor, Execute(executor, cancellation));
    }

    private static TimeSpan Execute(IPlanExecutor executor, CancellationToken cancellation)
    {
        long start = Stopwatch.GetTimestamp();
        executor.Run(cancellation);
        return Stopwatch.GetElapsedTime(start);
    }

    private InferenceResult Collect(IPlanExecutor executor, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<(int Height, int Width)> originalSizes, TimeSpan elapsed)
    {
        var outputs = executor.Plan.Outputs.Select(o => new KeyValuePair<string, Tensor>(o.Key, executor.GetOutput(o.Key))).ToList();
        bool proposalsAreInstances = Model.Scope == ModelScope.Detections && Model.Config.GetString("MODEL.META_ARCHITECTURE") == "ProposalNetwork";
        return new InferenceResult(outputs, imageSizes, Postprocess(outputs, imageSizes, originalSizes, proposalsAreInstances), elapsed);
    }

    /// <summary>
    /// Each image's <see cref="Instances"/> from the <c>det_*</c> outputs, or with
    /// <paramref name="proposalsAreInstances"/> (a ProposalNetwork) from the <c>proposals_*</c>;
    /// null when the plan has neither.
    /// </summary>
    private static IReadOnlyList<Instances>? Postprocess(IReadOnlyList<KeyValuePair<string, Tensor>> outputs,
        IReadOnlyList<(int Height, int Width)> imageSizes, IReadOnlyList<(int Height, int Width)> originalSizes, bool proposalsAreInstances)
    {
        Tensor? Find(string name) => outputs.FirstOrDefault(o => o.Key == name).Value;
        if (proposalsAreInstances && Find("proposals_boxes") is { } proposals && Find("proposals_logits") is { } logits
            && Find("proposals_count") is { } proposalCount)
        {
            int p = logits.Shape[1];
            return Enumerable.Range(0, imageSizes.Count).Select(i =>
            {
                int kept = proposalCount.Span<int>()[i];
                return Instances.PostprocessProposals(proposals.Data.AsSpan(i * p * 4, kept * 4), logits.Data.AsSpan(i * p, kept),
                    imageSizes[i], originalSizes[i]);
            }).ToList();
        }
        if (Find("det_boxes") is not { } boxes || Find("det_scores") is not { } scores || Find("det_classes") is not { } classes
            || Find("det_count") is not { } count)
            return null;
        int d = scores.Shape[1];
        var masks = Find("mask_probs");
        var heatmaps = Find("keypoint_heatmaps");
        int maskSize = masks?.Shape[3] ?? 0, keypoints = heatmaps?.Shape[1] ?? 0, heatmapSize = heatmaps?.Shape[3] ?? 0;
        int maskLength = maskSize * maskSize, mapsLength = keypoints * heatmapSize * heatmapSize;
        return Enumerable.Range(0, imageSizes.Count).Select(i =>
        {
            int kept = count.Span<int>()[i];
            var heads = new HeadOutputs(masks == null ? default : masks.Data.AsSpan(i * d * maskLength, kept * maskLength), maskSize,
                heatmaps == null ? default : heatmaps.Data.AsSpan(i * d * mapsLength, kept * mapsLength), keypoints, heatmapSize);
            return Instances.Postprocess(boxes.Data.AsSpan(i * d * 4, kept * 4), scores.Data.AsSpan(i * d, kept),
                classes.Span<long>().Slice(i * d, kept), imageSizes[i], originalSizes[i], heads);
        }).ToList();
    }

    private static RunInfo Deliver(IPlanExecutor executor, OutputBuffers outputs, TimeSpan elapsed)
    {
        var plan = executor.Plan;
        for (int i = 0; i < outputs.Count; i++)
        {
            var (name, destination) = outputs[i];
            int index = plan.OutputIndex(name);
            var value = plan.Outputs[index].Value;
            var shape = plan.ShapeOf(value);
            if (!destination.Holds(value.Type) || destination.Length != Tensor.CountElements(shape))
                throw new ArgumentException(
                    $"output '{name}' is {value.Type.Name()} {Tensor.ShapeString(shape)} at this input size; its buffer holds {destination.Length} {destination.ElementName}");
            executor.GetOutput(index, destination.Bytes);
        }
        var input = plan.ShapeOf(plan.Inputs[0]);
        bool pixels = plan.Inputs[0].Type == DataType.UInt8;
        return new RunInfo(input[0], pixels ? input[1] : input[2], pixels ? input[2] : input[3], elapsed);
    }

    private static Span<T> Staging<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, length);
    }

    private IPlanExecutor ExecutorFor((Entry Entry, int N, int H, int W) key)
    {
        for (var node = _executors.First; node != null; node = node.Next)
        {
            if (node.Value.Key != key) continue;
            _executors.Remove(node);
            _executors.AddFirst(node);
            return node.Value.Executor;
        }
        long start = Stopwatch.GetTimestamp();
        var plan = key.Entry == Entry.Images ? Model.PlanForImages(key.N, key.H, key.W) : Model.PlanForNormalized(key.N, key.H, key.W);
        var executor = _bound.Prepare(plan);
        _executors.AddFirst((key, executor));
        SessionLog.PlanPrepared(_log, key.N, key.H, key.W, Stopwatch.GetElapsedTime(start).TotalMilliseconds, ArenaBytes / 1048576.0);
        while (_executors.Count > _maxCachedPlans)
        {
            var (released, oldest) = _executors.Last!.Value;
            oldest.Dispose();
            _executors.RemoveLast();
            SessionLog.PlanReleased(_log, released.N, released.H, released.W, _maxCachedPlans);
        }
        return executor;
    }

    /// <summary>Releases every cached plan, the arena and the backend's bound weights; waits for a run in progress. Safe to call twice.</summary>
    public void Dispose()
    {
        using (_gate.Enter())
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var (_, executor) in _executors) executor.Dispose();
            _executors.Clear();
            _bound.Dispose();
        }
    }
}
