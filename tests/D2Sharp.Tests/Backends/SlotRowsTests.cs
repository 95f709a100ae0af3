using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Reference;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// The ROI heads' row-wise ops run on the slots in use only (<see cref="Value.SlotCount"/>): the
/// used rows equal a run on every slot, the unused rows are zero, and an image without boxes runs
/// nothing.
/// </summary>
[TestFixture]
public class SlotRowsTests
{
    private const int Images = 3, Slots = 5, Channels = 6, Size = 4;

    /// <summary>RoiAlign → 3×3 conv + ReLU → ConvTranspose2d → Linear, as a mask or box head stacks them.</summary>
    private static (ModelGraph Graph, Value Count) Head()
    {
        var graph = new ModelGraph();
        var features = graph.AddInput("features", DataType.Float32, new ShapeSpec(Channels, 4));
        var boxes = graph.AddInput("boxes", DataType.Float32);
        var count = graph.AddInput("count", DataType.Int32);
        var pooled = graph.Add("pooler", new RoiAlign { Scales = [1 / 4f], OutputSize = Size, SamplingRatio = 2 }, [features, boxes, count],
            new ShapeSpec(Channels, 1));
        var conv = graph.Add("conv", new Conv2d { InChannels = Channels, OutChannels = 8, KernelH = 3, KernelW = 3, Padding = 1, HasBias = true, Activation = Activation.Relu },
            [pooled], new ShapeSpec(8, 1));
        var deconv = graph.Add("deconv", new ConvTranspose2d { InChannels = 8, OutChannels = 4, Kernel = 2, Stride = 2 }, [conv], new ShapeSpec(4, 1));
        var fc = graph.Add("fc", new Linear { InFeatures = 4 * 4 * Size * Size, OutFeatures = 7, Activation = Activation.Relu }, [deconv]);
        graph.MarkOutput("deconv", deconv);
        graph.MarkOutput("fc", fc);
        return (graph, count);
    }

    [Test]
    public void RowWiseOpsCarryTheSlotCountAndReadIt()
    {
        var (graph, count) = Head();
        foreach (var name in new[] { "pooler", "conv", "deconv", "fc" })
            Assert.That(graph.Nodes.Single(n => n.Name == name).Output.SlotCount, Is.SameAs(count), name);
        Assert.That(graph.Nodes.Single(n => n.Name == "pooler").SlotCount, Is.Null, "RoiAlign reads its count as an input");
        Assert.That(graph.Nodes.Single(n => n.Name == "fc").Reads, Has.Member(count));
    }

    private static Dictionary<string, float[]> Run(IBackend backend, int[] counts)
    {
        var (graph, _) = Head();
        var rng = new Random(5);
        var features = new Tensor([Images, Channels, 12, 16]);
        for (int i = 0; i < features.Data.Length; i++) features.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        var boxes = new Tensor([Images, Slots, 4]);
        for (int r = 0; r < Images * Slots; r++)
        {
            float x = rng.Next(0, 40), y = rng.Next(0, 30);
            (boxes.Data[4 * r], boxes.Data[4 * r + 1], boxes.Data[4 * r + 2], boxes.Data[4 * r + 3]) = (x, y, x + rng.Next(4, 24), y + rng.Next(4, 18));
        }
        var plan = ExecutionPlan.Create(graph, [(graph.Inputs[0], features.Shape), (graph.Inputs[1], boxes.Shape), (graph.Inputs[2], [Images])]);
        using var bound = backend.Bind(graph, WeightBinder.Initialize(graph, seed: 3));
        using var executor = bound.Prepare(plan);
        executor.SetInput("features", features);
        executor.SetInput("boxes", boxes);
        executor.SetInput("count", new Tensor([Images], counts));
        executor.Run();
        return new() { ["deconv"] = executor.GetOutput("deconv").Data, ["fc"] = executor.GetOutput("fc").Data };
    }

    [TestCase("cpu")]
    [TestCase("reference")]
    public void UsedSlotsEqualARunOnEverySlotAndTheOthersAreZero(string device)
    {
        IBackend backend = device == "cpu" ? new CpuBackend(threads: 2) : new ReferenceBackend();
        int[] counts = [3, 0, Slots];
        var partial = Run(backend, counts);
        var full = Run(backend, [Slots, Slots, Slots]);
        foreach (var (name, values) in partial)
        {
            int row = values.Length / (Images * Slots);
            for (int image = 0; image < Images; image++)
                for (int slot = 0; slot < Slots; slot++)
                {
                    var actual = values.AsSpan((image * Slots + slot) * row, row).ToArray();
                    if (slot < counts[image])
                        Assert.That(actual, Is.EqualTo(full[name].AsSpan((image * Slots + slot) * row, row).ToArray()).Within(1e-5f),
                            $"{name}: image {image} slot {slot} is in use");
                    else
                        Assert.That(actual, Has.All.EqualTo(0f), $"{name}: image {image} slot {slot} is not in use");
                }
            Assert.That(full[name].Any(v => v != 0), $"{name}: the full run computes something");
        }
    }
}
