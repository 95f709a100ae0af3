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
/// deformable v2 at res3–res5 (v1 at res4), and the FPN merge into P2 (GB/s: it is memory-bound).
/// GFLOP/s against this machine's FMA peak (<see cref="FmaPeakBenchmarks"/>) is the fraction each
/// conv class reaches; with Winograd it counts the direct convolution's operations.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CpuOpBenchmarks : ICountsFlops
{
    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn());
            AddColumn(new GflopsColumn(bytes: true));
        }
    }

    public enum Shape
    {
        Stem7x7, Res2Conv1x1, Res2Conv3x3, Res4Conv1x1, Res4Conv3x3, FpnOutputP2,
        Res3DeformV2, Res4DeformV1, Res4DeformV2, Res5DeformV2, UpsampleAddP2,
    }

    [Params(Shape.Stem7x7, Shape.Res2Conv1x1, Shape.Res2Conv3x3, Shape.Res4Conv1x1, Shape.Res4Conv3x3, Shape.FpnOutputP2,
        Shape.Res3DeformV2, Shape.Res4DeformV1, Shape.Res4DeformV2, Shape.Res5DeformV2, Shape.UpsampleAddP2)]
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
        Shape.Res3DeformV2 => (Deform(128, modulated: true), [1, 128, 100, 168]),
        Shape.Res4DeformV1 => (Deform(256, modulated: false), [1, 256, 50, 84]),
        Shape.Res4DeformV2 => (Deform(256, modulated: true), [1, 256, 50, 84]),
        Shape.Res5DeformV2 => (Deform(512, modulated: true), [1, 512, 25, 42]),
        _ => (new UpsampleAdd { Mode = UpsampleMode.Nearest, Fuse = FuseType.Sum }, [1, 256, 100, 168]),
    };

    private static DeformConv2d Deform(int channels, bool modulated) =>
        new() { InChannels = channels, OutChannels = channels, Modulated = modulated, Activation = Activation.Relu };

    private static Conv2d Conv(int cin, int cout, int k, int stride, int padding) =>
        new() { InChannels = cin, OutChannels = cout, KernelH = k, KernelW = k, Stride = stride, Padding = padding, HasBias = true, Activation = Activation.Relu };

    public double Flops
    {
        get
        {
            var (op, input) = Spec;
            return 2.0 * op.Macs(Inputs(op, input), op.InferShapes(Inputs(op, input))[..1]);
        }
    }

    public double Bytes
    {
        get
        {
            var (op, input) = Spec;
            var inputs = Inputs(op, input);
            return 4.0 * (inputs.Sum(Tensor.CountElements) + Tensor.CountElements(op.InferShapes(inputs)[0]));
        }
    }

    /// <summary>
    /// The op's input shapes: the feature map; for a deformable conv its offsets at the output size;
    /// for the FPN merge the lateral at twice the size.
    /// </summary>
    private static int[][] Inputs(Op op, int[] input) => op switch
    {
        DeformConv2d d => [input, [1, d.OffsetChannels, input[2], input[3]]],
        UpsampleAdd => [input, [1, input[1], 2 * input[2], 2 * input[3]]],
        _ => [input],
    };

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
