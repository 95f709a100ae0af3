using BenchmarkDotNet.Attributes;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Weights;
using D2Sharp.Backends.Reference;

namespace D2Sharp.Bench;

/// <summary>
/// A whole backbone + anchors through a session, steady state (plan compiled in setup):
/// configs/tiny_r50_fpn.yaml at 1×3×96×128 and at 1×3×320×320.
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
        var config = Path.Combine(FindRepoRoot(), "configs", "tiny_r50_fpn.yaml");
        var model = ModelBuilder.Build(ConfigLoader.Load(config));
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

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "D2Sharp.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the D2Sharp checkout");
    }
}
