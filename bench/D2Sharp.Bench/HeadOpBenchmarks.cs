using BenchmarkDotNet.Attributes;
using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Bench;

/// <summary>
/// The CPU backend's non-convolution ops of a Faster R-CNN R50-FPN at 800×1344, each as a
/// one-node graph: the P2 anchor grid (a plan constant, so timed as the plan's preparation), the
/// RPN's top-k over P2's 201,600 logits, ROIAlignV2 of 1000 boxes on P2–P5 (256 channels), and the
/// box head's fc1 (1000 × 12544 → 1024).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class HeadOpBenchmarks : ICountsFlops
{
    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn());
            AddColumn(new GflopsColumn(bytes: true));
        }
    }

    public enum Shape { AnchorsP2, TopKP2, RoiAlign1000, BoxHeadFc1 }

    [Params(Shape.AnchorsP2, Shape.TopKP2, Shape.RoiAlign1000, Shape.BoxHeadFc1)]
    public Shape Case { get; set; }

    private const int Boxes = 1000;
    private static readonly int[][] Levels = [[1, 256, 200, 336], [1, 256, 100, 168], [1, 256, 50, 84], [1, 256, 25, 42]];

    private IBoundModel _bound = null!;
    private ExecutionPlan _plan = null!;
    private IPlanExecutor _executor = null!;

    private (Op Op, (DataType Type, int[] Shape)[] Inputs) Spec => Case switch
    {
        Shape.AnchorsP2 => (new AnchorGrid { CellAnchors = AnchorGrid.MakeCellAnchors([32], [0.5f, 1f, 2f]), Stride = 4 }, [(DataType.Float32, Levels[0])]),
        Shape.TopKP2 => (new TopK { K = 1000 }, [(DataType.Float32, [1, 3, 200, 336])]),
        Shape.RoiAlign1000 => (new RoiAlign { Scales = [1 / 4f, 1 / 8f, 1 / 16f, 1 / 32f] },
            [.. Levels.Select(l => (DataType.Float32, l)), (DataType.Float32, [1, Boxes, 4]), (DataType.Int32, [1])]),
        _ => (new Linear { InFeatures = 256 * 49, OutFeatures = 1024, Activation = Activation.Relu }, [(DataType.Float32, [Boxes, 256, 7, 7])]),
    };

    public double Flops => Spec.Op is Linear fc ? 2.0 * Boxes * fc.InFeatures * fc.OutFeatures : 0;

    /// <summary>The output once, and for ROIAlign the samples it reads (about 4 bilinear samples × 4 pixels per bin and channel).</summary>
    public double Bytes => Case switch
    {
        Shape.AnchorsP2 => 4.0 * 200 * 336 * 3 * 4,
        Shape.TopKP2 => 4.0 * 3 * 200 * 336,
        Shape.RoiAlign1000 => 4.0 * Boxes * 256 * 49 * (1 + 16),
        _ => 4.0 * (Boxes * 256 * 49 + 1024 * 256 * 49),
    };

    [GlobalSetup]
    public void Setup()
    {
        var (op, inputs) = Spec;
        var (graph, plan) = SingleOpGraph.Create(op, inputs);
        var rng = new Random(1);
        var parameters = graph.Parameters.ToDictionary(p => p.Name, p => Random(rng, p.Shape, 0.01f, 0));
        _bound = new CpuBackend().Bind(graph, WeightBinder.Bind(graph, parameters, "benchmark"));
        _plan = plan;
        _executor = _bound.Prepare(plan);
        for (int i = 0; i < inputs.Length; i++)
        {
            var (type, shape) = inputs[i];
            if (type == DataType.Int32) _executor.SetInput(plan.Inputs[i].Name, new Tensor(shape, [Boxes]));
            else if (op is RoiAlign && i == inputs.Length - 2) _executor.SetInput(plan.Inputs[i].Name, ProposalLikeBoxes(rng));
            else _executor.SetInput(plan.Inputs[i].Name, Random(rng, shape, 1f, -1));
        }
    }

    /// <summary>Boxes of 16 to 800 pixels (log-uniform, so every level gets some) anywhere in an 800×1344 image.</summary>
    private static Tensor ProposalLikeBoxes(Random rng)
    {
        var boxes = new Tensor([1, Boxes, 4]);
        for (int i = 0; i < Boxes; i++)
        {
            float w = 16 * MathF.Pow(50, (float)rng.NextDouble()), h = 16 * MathF.Pow(50, (float)rng.NextDouble());
            float x = (float)rng.NextDouble() * (1344 - w), y = (float)rng.NextDouble() * (800 - h);
            (boxes.Data[4 * i], boxes.Data[4 * i + 1], boxes.Data[4 * i + 2], boxes.Data[4 * i + 3]) = (x, y, x + w, y + h);
        }
        return boxes;
    }

    private static Tensor Random(Random rng, int[] shape, float scale, float low)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(low + rng.NextDouble() * (1 - low)) * scale;
        return t;
    }

    /// <summary>One run; the anchor grid is a plan constant, so for it one plan preparation.</summary>
    [Benchmark]
    public void Run()
    {
        if (Case == Shape.AnchorsP2) _bound.Prepare(_plan).Dispose();
        else _executor.Run();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _executor.Dispose();
        _bound.Dispose();
    }
}
