using BenchmarkDotNet.Attributes;
using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Bench;

/// <summary>
/// The CPU backend's convolutions at R50-FPN shapes for an 800×1344 image, each as a one-node
/// graph prepared once: the stem, 1×1 and 3×3 convs of res2 and res4, an FPN output conv at P2,
/// and deformable v1/v2 at res4. GFLOP/s against this machine's FMA peak (<see cref="FmaPeakBenchmarks"/>)
/// is the fraction each conv class reaches.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CpuOpBenchmarks : ICountsFlops
{
    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }

    public enum Shape { Stem7x7, Res2Conv1x1, Res2Conv3x3, Res4Conv1x1, Res4Conv3x3, FpnOutputP2, Res4DeformV1, Res4DeformV2 }

    [Params(Shape.Stem7x7, Shape.Res2Conv1x1, Shape.Res2Conv3x3, Shape.Res4Conv1x1, Shape.Res4Conv3x3, Shape.FpnOutputP2, Shape.Res4DeformV1, Shape.Res4DeformV2)]
    public Shape Case { get; set; }

    [Params(CpuIsa.Avx512, CpuIsa.Avx2)]
    public CpuIsa Isa { get; set; }

    /// <summary>Direct GEMM or Winograd for the 3×3 stride-1 shapes; the others run the same code either way.</summary>
    [Params(CpuConvAlgorithm.Direct, CpuConvAlgorithm.Winograd)]
    public CpuConvAlgorithm Algorithm { get; set; }

    private IBoundModel _bound = null!;
    private IPlanExecutor _executor = null!;

    private (Op Op, int[] Input) Spec => Case switch
    {
        Shape.Stem7x7 => (Conv(3, 64, 7, 2, 3), [1, 3, 800, 1344]),
        Shape.Res2Conv1x1 => (Conv(64, 256, 1, 1, 0), [1, 64, 200, 336]),
        Shape.Res2Conv3x3 => (Conv(64, 64, 3, 1, 1), [1, 64, 200, 336]),
        Shape.Res4Conv1x1 => (Conv(1024, 256, 1, 1, 0), [1, 1024, 50, 84]),
        Shape.Res4Conv3x3 => (Conv(256, 256, 3, 1, 1), [1, 256, 50, 84]),
        Shape.FpnOutputP2 => (Conv(256, 256, 3, 1, 1), [1, 256, 200, 336]),
        Shape.Res4DeformV1 => (new DeformConv2d { InChannels = 256, OutChannels = 256, Activation = Activation.Relu }, [1, 256, 50, 84]),
        _ => (new DeformConv2d { InChannels = 256, OutChannels = 256, Modulated = true, Activation = Activation.Relu }, [1, 256, 50, 84]),
    };

    private static Conv2d Conv(int cin, int cout, int k, int stride, int padding) =>
        new() { InChannels = cin, OutChannels = cout, KernelH = k, KernelW = k, Stride = stride, Padding = padding, HasBias = true, Activation = Activation.Relu };

    public double Flops
    {
        get
        {
            var (op, input) = Spec;
            return 2.0 * op.Macs([input], op.InferShapes(Inputs(op, input))[..1]);
        }
    }

    /// <summary>The op's input shapes: the feature map, and for a deformable conv its offsets at the output size.</summary>
    private static int[][] Inputs(Op op, int[] input) => op is DeformConv2d d
        ? [input, [1, d.OffsetChannels, input[2], input[3]]]
        : [input];

    [GlobalSetup]
    public void Setup()
    {
        var (op, input) = Spec;
        var shapes = Inputs(op, input);
        var (graph, plan) = SingleOpGraph.Create(op, shapes.Select(s => (DataType.Float32, s)).ToList());
        var rng = new Random(1);
        var parameters = graph.Parameters.ToDictionary(p => p.Name, p => Random(rng, p.Shape, 0.05f));
        _bound = new CpuBackend(0, Isa, Algorithm).Bind(graph, WeightBinder.Bind(graph, parameters, "benchmark"));
        _executor = _bound.Prepare(plan);
        for (int i = 0; i < shapes.Length; i++) _executor.SetInput(plan.Inputs[i].Name, Random(rng, shapes[i], i == 0 ? 1f : 3f));
    }

    private static Tensor Random(Random rng, int[] shape, float scale)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return t;
    }

    [Benchmark]
    public void Run() => _executor.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _executor.Dispose();
        _bound.Dispose();
    }
}
