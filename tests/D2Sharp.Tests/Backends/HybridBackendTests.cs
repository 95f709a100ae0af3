using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Host;
using D2Sharp.Backends.Hybrid;
using D2Sharp.Graph;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// <see cref="HybridBackend"/> without a GPU: its primary is a CPU backend with kernels for some ops
/// only: the backbone's (as the CUDA backend had first), or the backbone's and the heads' costly ones
/// (ROIAlign, linear layers), as the CUDA backend has now, which cuts a detector's plan into
/// segments alternating between the two backends. Splitting a plan must change nothing in the
/// results, hand the anchors over once, and keep runs allocation-free.
/// </summary>
[TestFixture]
public class HybridBackendTests
{
    private static readonly Type[] BackboneOps =
        [typeof(NormalizeImage), typeof(Conv2d), typeof(DeformConv2d), typeof(GroupNorm), typeof(MaxPool2d), typeof(UpsampleAdd), typeof(Add), typeof(Relu), typeof(AnchorGrid)];

    /// <summary>The CPU backend's kernels for <paramref name="ops"/>, and no others.</summary>
    private class PartialCpu(string name, IEnumerable<Type> ops) : HostBackend(threads: 2)
    {
        private readonly HashSet<Type> _ops = [.. ops];
        private readonly CpuBackend _cpu = new(threads: 2);

        public override string Name => name;

        internal override HostKernel? KernelFor(Op op) => _ops.Contains(op.GetType()) ? _cpu.Kernels[op.GetType()] : null;
    }

    /// <summary>The ops the CUDA backend had first.</summary>
    private sealed class BackboneOnlyCpu() : PartialCpu("backbone-only", BackboneOps);

    /// <summary>
    /// The ops the CUDA backend has now: the backbone's, ROIAlign, the linear layers, the C4 head's
    /// mean, the mask and keypoint heads' deconvolutions, the keypoint head's bilinear upsampling,
    /// the cascade's box refinement and the RPN's and RetinaNet's top-k and box decoding.
    /// </summary>
    private sealed class HeadsCpu() : PartialCpu("backbone-and-heads",
        [.. BackboneOps, typeof(RoiAlign), typeof(Linear), typeof(SpatialMean), typeof(ConvTranspose2d), typeof(RefineBoxes),
            typeof(UpsampleBilinear2x), typeof(TopK), typeof(BoxDecode)]);

    /// <summary>The CUDA backend's op set without <paramref name="left"/>: what <c>--device cuda</c> split before those kernels existed.</summary>
    private sealed class CudaWithout(params Type[] left) : IBackend
    {
        private readonly CudaBackend _cuda = new();
        public string Name => "cuda-without-" + string.Join("-", left.Select(t => t.Name));
        public bool Supports(Op op, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
        {
            reason = left.Contains(op.GetType()) ? $"{op.Kind} left out" : null;
            return reason == null && _cuda.Supports(op, out reason);
        }
        public IBoundModel Bind(ModelGraph graph, ModelWeights weights) => throw new NotSupportedException("only splits plans");
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
    public void SplitRunsGiveTheSingleBackendsResults(string fixture) => AssertSplitGivesTheSameBits(fixture, new BackboneOnlyCpu());

    /// <summary>The fixture's image through a HybridBackend of <paramref name="primary"/> and the CPU backend: every output bit for bit the CPU backend's.</summary>
    private static void AssertSplitGivesTheSameBits(string fixture, IBackend primary)
    {
        var image = ImageLoader.Load(FixtureCase.Load(fixture).Path("image.npy"), "BGR");
        using var whole = Open(fixture, new CpuBackend(threads: 2));
        using var split = Open(fixture, new HybridBackend(primary, new CpuBackend(threads: 2)));
        var expected = whole.Run(image);
        var actual = split.Run(image);
        Assert.That(actual.Outputs.Select(o => o.Key), Is.EqualTo(expected.Outputs.Select(o => o.Key)));
        foreach (var (name, tensor) in expected.Outputs)
            Assert.That(BackendOpTests.ToDouble(actual[name]), Is.EqualTo(BackendOpTests.ToDouble(tensor)), name);
    }

    /// <summary>The fixture's detector and its plan for one 64×96 image (padded).</summary>
    private static (ModelSpec Model, ExecutionPlan Plan, int Height, int Width) SmallPlan(string fixture)
    {
        var model = ModelBuilder.Build(FixtureCase.Load(fixture).LoadResolvedConfig(), ModelScope.Detections);
        var (height, width) = model.PaddedSize(64, 96);
        return (model, model.PlanForImages(1, height, width), height, width);
    }

    /// <summary>The fixture's detector bound to a HybridBackend of <paramref name="primary"/> and a one-thread CPU backend, prepared for one 64×96 image.</summary>
    private static (ModelSpec Model, IBoundModel Bound, IPlanExecutor Executor, int Height, int Width) PrepareSmall(string fixture, IBackend primary)
    {
        var (model, plan, height, width) = SmallPlan(fixture);
        var weights = WeightBinder.LoadCheckpoint(model.Graph, FixtureCase.Load(fixture).Path("model.pkl")).Weights;
        var bound = new HybridBackend(primary, new CpuBackend(threads: 1)).Bind(model.Graph, weights);
        return (model, bound, bound.Prepare(plan), height, width);
    }

    private static IEnumerable<string> DetectionFixtures() => TestPaths.FixtureCases.Where(c => c.StartsWith("det_", StringComparison.Ordinal));

    /// <summary>Every detection fixture through a primary with the heads' ops: three or more segments wherever a ROI head pools, and the same bits.</summary>
    [TestCaseSource(nameof(DetectionFixtures))]
    public void MultiSegmentRunsGiveTheSingleBackendsResults(string fixture)
    {
        AssertSplitGivesTheSameBits(fixture, new HeadsCpu());
        var (_, plan, _, _) = SmallPlan(fixture);
        var segments = PlanSplit.Of(plan, new HeadsCpu())!.Segments;
        if (plan.Steps.Any(n => n.Op is RoiAlign))
            Assert.That(segments, Has.Count.GreaterThanOrEqualTo(3), "the GPU pools the boxes the CPU proposed");
    }

    [Test]
    public void TheHeadsPoolAndRunTheirLinearLayersOnThePrimaryInALaterSegmentAndARunAllocatesNothing()
    {
        var (_, bound, executor, height, width) = PrepareSmall("det_mask_rcnn_r50_fpn", new HeadsCpu());
        using var ownedBound = bound;
        using var ownedExecutor = executor;
        var split = PlanSplit.Of(executor.Plan, new HeadsCpu())!;
        Assert.That(split.Segments, Has.Count.GreaterThanOrEqualTo(5), "backbone | RPN | box head | box inference | mask head …");
        Assert.That(split.Segments.Select((s, k) => s.OnPrimary == (k % 2 == 0)), Has.All.True, "the sides alternate, the primary first");
        var primarySteps = split.Primary!.Steps;
        var second = split.Segments[2];
        Assert.That(primarySteps.Skip(second.First).Take(second.End - second.First).Select(n => n.Op.Kind),
            Does.Contain("RoiAlign").And.Contain("Linear"), "segment 2: the box head on the primary");
        Assert.That(split.Secondary.Steps.Select(n => n.Op.Kind), Does.Not.Contain("RoiAlign").And.Not.Contain("Linear"));
        Assert.That(split.Crossings.Select(c => c.Value.Name), Does.Not.Contain("p2"), "the FPN maps stay on the primary");
        var counts = executor.Plan.Steps.Where(n => n.Op is RoiAlign).Select(n => n.Inputs[^1]).ToList();
        Assert.That(counts.All(v => split.Crossings.Any(c => c.Value == v && c.ToPrimary)), "the slot counts cross to the primary's pooling");
        Assert.That(split.Crossings.Select(c => c.BeforeSegment), Is.Ordered);

        RunsWithoutAllocatingAndTimesEveryStep(executor, height, width);
    }

    /// <summary>What <c>--device cuda</c> makes of each detector (CudaBackend.Supports touches no driver): the ROI heads' pooling and FC layers on the GPU.</summary>
    [TestCaseSource(nameof(DetectionFixtures))]
    public void TheCudaBackendsSplitRunsTheRoiHeadsCostlyStepsOnTheGpu(string fixture)
    {
        var split = PlanSplit.Of(SmallPlan(fixture).Plan, new CudaBackend())!;
        var onCpu = split.Secondary.Steps.Select(n => n.Op.Kind).ToHashSet();
        Assert.That(onCpu, Does.Not.Contain("Conv2d").And.Not.Contain("RoiAlign").And.Not.Contain("Linear").And.Not.Contain("SpatialMean")
            .And.Not.Contain("ConvTranspose2d").And.Not.Contain("RefineBoxes").And.Not.Contain("UpsampleBilinear2x").And.Not.Contain("TopK").And.Not.Contain("BoxDecode"));
        if (split.Primary!.Steps.Any(n => n.Op is RoiAlign))
            Assert.That(split.Segments, Has.Count.GreaterThanOrEqualTo(3));
        TestContext.Out.WriteLine($"{fixture}: {split.Segments.Count} segments; on the CPU: {string.Join(", ", onCpu.Order())}");
    }

    /// <summary>
    /// The deconvolutions and the cascade's box refinement on the GPU: the mask and keypoint heads
    /// no longer cross to the CPU for their upsampling, and the cascade's stages run in one GPU
    /// segment (RefineBoxes joins the segment of the box predictor whose deltas it reads, and the
    /// next stage's pooling joins it). Never more segments than without those kernels; the segment
    /// counts before → after are written to the test output.
    /// </summary>
    [TestCaseSource(nameof(DetectionFixtures))]
    public void TheDeconvolutionsAndTheCascadesRefinementKeepTheHeadsOnTheGpu(string fixture)
    {
        var plan = SmallPlan(fixture).Plan;
        Type[] later = [typeof(UpsampleBilinear2x), typeof(TopK), typeof(BoxDecode)];
        var before = PlanSplit.Of(plan, new CudaWithout([typeof(ConvTranspose2d), typeof(RefineBoxes), .. later]))!;
        var after = PlanSplit.Of(plan, new CudaWithout(later))!;
        TestContext.Out.WriteLine($"{fixture}: {before.Segments.Count} → {after.Segments.Count} segments");
        var onCpu = after.Secondary.Steps.Select(n => n.Op.Kind).ToHashSet();
        Assert.That(onCpu, Does.Not.Contain("ConvTranspose2d").And.Not.Contain("RefineBoxes"));
        Assert.That(after.Segments, Has.Count.LessThanOrEqualTo(before.Segments.Count));
        Assert.That(plan.Steps.Where(n => n.Op is ConvTranspose2d).Select(n => n.SlotCount), Has.All.Not.Null,
            "the deconvolutions run on the ROI heads' slots: the CUDA executor zeroes their unused rows after them");
        foreach (var deconv in plan.Steps.Where(n => n.Op is ConvTranspose2d))
        {
            Assert.That(before.Crossings.Select(c => c.Value), Does.Contain(deconv.Inputs[0]));
            Assert.That(after.Crossings.Select(c => c.Value), Does.Not.Contain(deconv.Inputs[0]), "the head's last conv map stays on the GPU");
        }
        // The mask head's predictor (a conv) follows its deconvolution: one GPU segment now. Without its
        // bilinear 2× upsampling on the GPU the keypoint head keeps its segments, but what crosses is the
        // deconvolution's 17-channel output instead of its 512-channel input.
        if (plan.Steps.Any(n => n.Op is MaskRcnnInference))
            Assert.That(after.Segments, Has.Count.LessThan(before.Segments.Count), "the mask head stays on the GPU up to its logits");
        if (fixture == "det_cascade_mask_rcnn_r50_fpn")
        {
            // backbone + RPN head | proposals | the three stages | box inference | mask head | mask inference
            Assert.That(before.Segments, Has.Count.EqualTo(12));
            Assert.That(after.Segments, Has.Count.EqualTo(6));
            Assert.That(before.Crossings.Where(c => c.ToPrimary).Select(c => c.Value.Name), Does.Contain("box_stage1_proposals"));
            Assert.That(after.Crossings.Where(c => c.ToPrimary).Select(c => c.Value.Name), Has.None.StartsWith("box_stage"),
                "the stages' proposals stay on the GPU (the last stage's cross once, to the box inference)");
        }
    }

    /// <summary>
    /// The RPN's and RetinaNet's top-k and box decoding and the keypoint head's bilinear upsampling
    /// on the GPU: TopK reads the RPN head's (or RetinaNet head's) logits and BoxDecode its deltas and
    /// TopK's indices, so both join segment 0 and only the k best scores and boxes cross to the CPU
    /// instead of every level's logits and deltas; the upsampling joins the keypoint head's segment
    /// after its deconvolution. None does multiply-accumulates, so none may open a later GPU segment
    /// of its own (the anti-ping-pong rule). Never more segments than
    /// without those kernels, and at Detectron2's test size (800 × 1344, where a level's logits
    /// outnumber its k = 1000 kept scores) fewer bytes copied to the CPU per run; the segment counts
    /// and bytes before → after are written to the test output.
    /// </summary>
    [TestCaseSource(nameof(DetectionFixtures))]
    public void TheTopKTheBoxDecodingAndTheKeypointUpsamplingRunOnTheGpuWithoutNewCrossings(string fixture)
    {
        var model = ModelBuilder.Build(FixtureCase.Load(fixture).LoadResolvedConfig(), ModelScope.Detections);
        var (height, width) = model.PaddedSize(800, 1344);
        var plan = model.PlanForImages(1, height, width);
        var before = PlanSplit.Of(plan, new CudaWithout(typeof(UpsampleBilinear2x), typeof(TopK), typeof(BoxDecode)))!;
        var after = PlanSplit.Of(plan, new CudaBackend())!;
        TestContext.Out.WriteLine($"{fixture}: {before.Segments.Count} → {after.Segments.Count} segments; crossing to the CPU " +
            $"{CrossingBytes(plan, before, toPrimary: false)} → {CrossingBytes(plan, after, toPrimary: false)} bytes");
        Assert.That(after.Secondary.Steps.Select(n => n.Op.Kind), Does.Not.Contain("TopK").And.Not.Contain("UpsampleBilinear2x").And.Not.Contain("BoxDecode"));
        Assert.That(after.Segments, Has.Count.LessThanOrEqualTo(before.Segments.Count));
        Assert.That(CrossingBytes(plan, after, toPrimary: false), Is.LessThan(CrossingBytes(plan, before, toPrimary: false)));
        var selection = plan.Steps.Where(n => n.Op is TopK or BoxDecode).ToList();
        Assert.That(selection.Select(n => SegmentOf(after, n)).Distinct(), Is.Empty.Or.EqualTo(new[] { 0 }),
            "the top-k and box decoding join the RPN (or RetinaNet) head's segment 0");
        foreach (var node in selection)
            Assert.That(after.Crossings.Select(c => c.Value), Does.Not.Contain(node.Inputs[0]), "the logits and deltas stay on the GPU");
        Assert.That(plan.Steps.Where(n => n.Op is UpsampleBilinear2x).Select(n => n.SlotCount), Has.All.Not.Null,
            "the upsampling runs on the ROI heads' slots: the CUDA executor zeroes their unused rows after it");
        foreach (var upsample in plan.Steps.Where(n => n.Op is UpsampleBilinear2x))
        {
            Assert.That(SegmentOf(after, upsample), Is.EqualTo(SegmentOf(after, upsample.Inputs[0].Producer!)), "it joins the deconvolution's segment");
            Assert.That(after.Crossings.Select(c => c.Value), Does.Not.Contain(upsample.Inputs[0]));
        }
    }

    /// <summary>The segment of the split running <paramref name="node"/>.</summary>
    private static int SegmentOf(PlanSplit split, Node node)
    {
        var side = split.Primary != null && split.Primary.Steps.Contains(node) ? split.Primary : split.Secondary;
        int step = side.Steps.ToList().IndexOf(node);
        return split.Segments.Select((s, k) => (s, k)).First(x => x.s.OnPrimary == (side == split.Primary) && step >= x.s.First && step < x.s.End).k;
    }

    /// <summary>The bytes a run copies to the CPU (<paramref name="toPrimary"/> false) or to the GPU.</summary>
    private static long CrossingBytes(ExecutionPlan plan, PlanSplit split, bool toPrimary) =>
        split.Crossings.Where(c => c.ToPrimary == toPrimary).Sum(c => plan.ElementsOf(c.Value) * c.Value.Type.SizeOf());

    [Test]
    public void ALaterPrimarySegmentWithoutCostlyStepsIsLeftToTheSecondary()
    {
        var plan = SmallPlan("det_faster_rcnn_r50_fpn").Plan;
        // FastRcnnInference alone after the box head: no multiply-accumulates, nothing pooled.
        var split = PlanSplit.Of(plan, new PartialCpu("backbone-and-inference", [.. BackboneOps, typeof(FastRcnnInference)]))!;
        Assert.That(split.Segments, Has.Count.EqualTo(2));
        Assert.That(split.Secondary.Steps.Select(n => n.Op.Kind), Does.Contain("FastRcnnInference"));
        // The same with the box head's ops on the primary: inference joins the box head's segment.
        split = PlanSplit.Of(plan, new PartialCpu("heads-and-inference", [.. BackboneOps, typeof(RoiAlign), typeof(Linear), typeof(FastRcnnInference)]))!;
        Assert.That(split.Segments, Has.Count.EqualTo(3));
        Assert.That(split.Primary!.Steps.Select(n => n.Op.Kind), Does.Contain("FastRcnnInference"));
    }

    [Test]
    public void TheBackboneRunsOnThePrimaryTheHeadsOnTheSecondaryAndARunAllocatesNothing()
    {
        var (model, bound, executor, height, width) = PrepareSmall("det_faster_rcnn_r50_fpn", new BackboneOnlyCpu());
        using var ownedBound = bound;
        using var ownedExecutor = executor;
        var split = PlanSplit.Of(executor.Plan, new BackboneOnlyCpu())!;
        Assert.That(split.Primary!.Steps.Select(n => n.Op.Kind).Distinct(), Is.SubsetOf(new[] { "NormalizeImage", "Conv2d", "MaxPool2d", "UpsampleAdd" }));
        Assert.That(split.Secondary.Steps.Select(n => n.Op.Kind), Does.Contain("TopK").And.Contain("RoiAlign").And.Contain("Linear"));
        Assert.That(split.Segments, Has.Count.EqualTo(2));
        Assert.That(split.Crossings.Select(c => c.Value), Does.Contain(model.Graph.Output("p2")), "ROIAlign reads P2 on the secondary");
        Assert.That(split.CrossingConstants, Is.Not.Empty, "the anchors are computed once, by the primary");
        Assert.That(split.SecondaryInputs.Select(v => v.Name), Is.EqualTo(new[] { "image_sizes" }), "the RPN clips to the image sizes");

        RunsWithoutAllocatingAndTimesEveryStep(executor, height, width);
    }

    /// <summary>A 64×96 image in the padded plan: the second run allocates nothing, a timed run times every step of the whole plan.</summary>
    private static void RunsWithoutAllocatingAndTimesEveryStep(IPlanExecutor executor, int height, int width)
    {
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
