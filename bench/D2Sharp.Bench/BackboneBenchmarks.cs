using BenchmarkDotNet.Attributes;
using D2Sharp.Backends;
using D2Sharp.Backends.Reference;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Bench;

/// <summary>
/// A whole backbone + anchors through a session, steady state (plan prepared in setup):
/// configs/tiny_r50_fpn.yaml at 1×3×96×128 and at 1×3×320×352.
/// </summary>
[MemoryDiagnoser]
public class BackboneBenchmarks
{
    private InferenceSession _session = null!;
    private Tensor _input = null!;

    [Params(96, 320)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelBuilder.Build(ConfigLoader.Load(Repo.TinyConfig));
        _session = InferenceSession.Create(model, WeightBinder.Initialize(model.Graph), new ReferenceBackend());
        _input = new Tensor([1, 3, Size, Size + 32]);
        var rng = new Random(2);
        for (int i = 0; i < _input.Data.Length; i++) _input.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        _session.RunNormalized(_input);
    }

    [Benchmark]
    public InferenceResult TinyR50Fpn() => _session.RunNormalized(_input);

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();
}

/// <summary>
/// What a new input size costs once the weights are bound: preparing a plan (shapes, memory
/// layout, anchor grids) for the full-width ResNet-50-FPN at a COCO test size. No weight work.
/// </summary>
[MemoryDiagnoser]
public class NewInputSizeBenchmarks
{
    private ModelSpec _model = null!;
    private IBoundModel _bound = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelBuilder.Build(ConfigLoader.Load(Repo.TinyConfig, Repo.FullWidthR50Fpn));
        _bound = new ReferenceBackend().Bind(_model.Graph, WeightBinder.Initialize(_model.Graph));
    }

    [Benchmark]
    public long PrepareR50Fpn800x1216()
    {
        using var executor = _bound.Prepare(_model.PlanForImages(1, 800, 1216));
        return executor.Layout.Arena.Size;
    }

    [GlobalCleanup]
    public void Cleanup() => _bound.Dispose();
}

internal static class Repo
{
    public static string TinyConfig => Path.Combine(FindRoot(), "configs", "tiny_r50_fpn.yaml");

    /// <summary>Opts that widen configs/tiny_r50_fpn.yaml to Detectron2's R50-FPN (faster_rcnn_R_50_FPN_1x's backbone).</summary>
    public static readonly string[] FullWidthR50Fpn =
    [
        "MODEL.RESNETS.STEM_OUT_CHANNELS", "64", "MODEL.RESNETS.RES2_OUT_CHANNELS", "256",
        "MODEL.RESNETS.WIDTH_PER_GROUP", "64", "MODEL.FPN.OUT_CHANNELS", "256",
    ];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "D2Sharp.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the D2Sharp checkout");
    }
}
