using BenchmarkDotNet.Attributes;
using D2Sharp.Backends;
using D2Sharp.Backends.Reference;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Bench;

/// <summary>
/// The reference kernels at a ResNet-50 res3-like size (1×128×100×136), each as a one-node graph
/// prepared once and run through the reference backend. These are the executable spec, not the
/// fast path: the numbers are the baseline the SIMD and CUDA backends are measured against.
/// </summary>
[MemoryDiagnoser]
public class ReferenceOpBenchmarks
{
    private const int H = 100, W = 136, C = 128;
    private readonly List<IDisposable> _owned = [];
    private IPlanExecutor _conv = null!, _deform = null!, _upsample = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        Tensor Random(float scale, params int[] shape)
        {
            var t = new Tensor(shape);
            for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
            return t;
        }
        var x = Random(1f, 1, C, H, W);
        var weight = new Dictionary<string, Tensor> { ["weight"] = Random(0.05f, C, C, 3, 3) };
        var conv = new Conv2d { InChannels = C, OutChannels = C, KernelH = 3, KernelW = 3, Padding = 1, Activation = Activation.Relu };
        var deform = new DeformConv2d { InChannels = C, OutChannels = C, Modulated = true };
        _conv = Prepare(conv, [x], weight);
        _deform = Prepare(deform, [x, Random(2f, 1, deform.OffsetChannels, H, W)], weight);
        _upsample = Prepare(new UpsampleAdd { Mode = UpsampleMode.Nearest, Fuse = FuseType.Sum }, [Random(1f, 1, C, H / 2, W / 2), x], null);
    }

    private IPlanExecutor Prepare(Op op, Tensor[] inputs, Dictionary<string, Tensor>? parameters)
    {
        var (graph, plan) = SingleOpGraph.Create(op, inputs.Select(t => (t.Type, t.Shape)).ToList());
        var named = (parameters ?? []).ToDictionary(p => "op." + p.Key, p => p.Value);
        var bound = new ReferenceBackend().Bind(graph, WeightBinder.Bind(graph, named, "benchmark"));
        var executor = bound.Prepare(plan);
        for (int i = 0; i < inputs.Length; i++) executor.SetInput(plan.Inputs[i].Name, inputs[i]);
        _owned.Add(executor);
        _owned.Add(bound);
        return executor;
    }

    [Benchmark]
    public void Conv2d3x3() => _conv.Run();

    [Benchmark]
    public void DeformConv2dV2() => _deform.Run();

    [Benchmark]
    public void UpsampleAddNearest() => _upsample.Run();

    [GlobalCleanup]
    public void Cleanup() => _owned.ForEach(o => o.Dispose());
}
