using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Host;
using D2Sharp.Backends.Hybrid;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// <see cref="HybridBackend"/> without a GPU: its primary is a CPU backend that, like the CUDA
/// backend today, has kernels for the backbone ops only. Splitting a plan must change nothing in
/// the results, hand the anchors over once, and keep runs allocation-free.
/// </summary>
[TestFixture]
public class HybridBackendTests
{
    /// <summary>The CPU backend's kernels for the ops the CUDA backend has, and no others.</summary>
    private sealed class BackboneOnlyCpu() : HostBackend(threads: 2)
    {
        private static readonly HashSet<Type> Ops =
            [typeof(NormalizeImage), typeof(Conv2d), typeof(DeformConv2d), typeof(GroupNorm), typeof(MaxPool2d), typeof(UpsampleAdd), typeof(Add), typeof(Relu), typeof(AnchorGrid)];
        private readonly CpuBackend _cpu = new(threads: 2);

        public override string Name => "backbone-only";

        internal override HostKernel? KernelFor(Op op) => Ops.Contains(op.GetType()) ? _cpu.Kernels[op.GetType()] : null;
    }

    private static InferenceSession Open(string fixture, IBackend backend)
    {
        var c = FixtureCase.Load(fixture);
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Detections);
        return InferenceSession.Create(model, WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl")).Weights, backend);
    }

    [TestCase("det_faster_rcnn_r50_fpn")]
    [TestCase("det_mask_rcnn_dcnv2")]
    [TestCase("det_retinanet_r50")]
    public void SplitRunsGiveTheSingleBackendsResults(string fixture)
    {
        var image = ImageLoader.Load(FixtureCase.Load(fixture).Path("image.npy"), "BGR");
        using var whole = Open(fixture, new CpuBackend(threads: 2));
        using var split = Open(fixture, new HybridBackend(new BackboneOnlyCpu(), new CpuBackend(threads: 2)));
        var expected = whole.Run(image);
        var actual = split.Run(image);
        Assert.That(actual.Outputs.Select(o => o.Key), Is.EqualTo(expected.Outputs.Select(o => o.Key)));
        foreach (var (name, tensor) in expected.Outputs)
            Assert.That(BackendOpTests.ToDouble(actual[name]), Is.EqualTo(BackendOpTests.ToDouble(tensor)), name);
    }

    [Test]
    public void TheBackboneRunsOnThePrimaryTheHeadsOnTheSecondaryAndARunAllocatesNothing()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Detections);
        var weights = WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl")).Weights;
        using var bound = new HybridBackend(new BackboneOnlyCpu(), new CpuBackend(threads: 1)).Bind(model.Graph, weights);
        var (height, width) = model.PaddedSize(64, 96);
        using var executor = bound.Prepare(model.PlanForImages(1, height, width));
        var split = PlanSplit.Of(executor.Plan, new BackboneOnlyCpu())!;
        Assert.That(split.Primary!.Steps.Select(n => n.Op.Kind).Distinct(), Is.SubsetOf(new[] { "NormalizeImage", "Conv2d", "MaxPool2d", "UpsampleAdd" }));
        Assert.That(split.Secondary.Steps.Select(n => n.Op.Kind), Does.Contain("TopK").And.Contain("RoiAlign").And.Contain("Linear"));
        Assert.That(split.Crossing, Does.Contain(model.Graph.Output("p2")), "ROIAlign reads P2 on the secondary");
        Assert.That(split.CrossingConstants, Is.Not.Empty, "the anchors are computed once, by the primary");
        Assert.That(split.SecondaryInputs.Select(v => v.Name), Is.EqualTo(new[] { "image_sizes" }), "the RPN clips to the image sizes");

        var pixels = new byte[height * width * 3];
        new Random(3).NextBytes(pixels);
        executor.SetInput("pixels", pixels.AsSpan());
        executor.SetInput("image_sizes", new[] { 64, 96 }.AsSpan());
        executor.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        executor.Run();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);

        executor.RecordStepTimes = true;
        executor.Run();
        Assert.That(executor.StepTimes.ToArray(), Has.Length.EqualTo(executor.Plan.Steps.Count).And.All.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public void APlanThePrimaryRunsWhollyIsNotSplitAndOneItCannotStartRunsOnTheSecondary()
    {
        var c = FixtureCase.Load("tiny_r50_fpn");
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Backbone);
        var plan = model.PlanForImages(1, 64, 96);
        Assert.That(PlanSplit.Of(plan, new BackboneOnlyCpu()), Is.Null);
        Assert.That(PlanSplit.Of(plan, new CpuBackendWithout<NormalizeImage>())!.Primary, Is.Null);
    }

    private sealed class CpuBackendWithout<T>() : HostBackend(threads: 1) where T : Op
    {
        private readonly CpuBackend _cpu = new(threads: 1);
        public override string Name => "cpu-without-" + typeof(T).Name;
        internal override HostKernel? KernelFor(Op op) => op is T ? null : _cpu.KernelFor(op);
    }
}
