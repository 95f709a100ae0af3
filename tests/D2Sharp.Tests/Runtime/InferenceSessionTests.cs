using System.Diagnostics.CodeAnalysis;
using D2Sharp.Backends;
using D2Sharp.Backends.Reference;
using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.IO;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Runtime;

/// <summary>The session API: loading from the original Detectron2 config, preprocessing, and bad inputs.</summary>
[TestFixture]
public class InferenceSessionTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    private static IEnumerable<string> Cases => FixtureCase.WithModel;

    /// <summary>Without a scope, a session builds as much of the model as the checkpoint holds: what a user of DefaultPredictor expects.</summary>
    [TestCase("det_mask_rcnn_r50_fpn", ModelScope.Detections)]
    [TestCase("det_retinanet_r50", ModelScope.Detections)]
    [TestCase("tiny_r50_fpn", ModelScope.Backbone)]
    public void WithoutAScopeTheCheckpointDecides(string caseName, ModelScope expected)
    {
        var c = FixtureCase.Load(caseName);
        using var session = InferenceSession.Load(c.Path("config_resolved.yaml"), c.RunOpts, c.Path("model.pkl"));
        Assert.That(session.Model.Scope, Is.EqualTo(expected));
        Assert.That(session.WeightsMatch!.Unused, Is.Empty, "every checkpoint key is used");
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        Assert.That(result.Instances, expected == ModelScope.Detections ? Is.Not.Null : Is.Null);
    }

    [Test]
    public void WithoutAScopeOrACheckpointTheBackboneRuns()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "0"]);
        Assert.That(session.Model.Scope, Is.EqualTo(ModelScope.Backbone));
    }

    [TestCaseSource(nameof(Cases))]
    public void OriginalModelZooConfigWithTheCaseOptsMatchesDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var zoo = TestPaths.Detectron2Configs;
        var configFile = Path.Combine(zoo, c.Json.GetProperty("config_file").GetString()!["configs/".Length..]);
        var opts = c.Json.GetProperty("opts").EnumerateArray().Select(e => e.GetString()!).Concat(c.RunOpts).ToArray();
        using var session = InferenceSession.Load(configFile, opts, c.Path("model.pkl"));
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        foreach (var (name, array) in c.Expected)
            Tolerance.AssertClose($"{caseName}/{name}", result[name], array.ToTensor(), name.StartsWith("anchors_"));
    }

    [Test]
    public void ImagesAreResizedAsDetectron2WhenMinSizeTestIsSet()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "160", "INPUT.MAX_SIZE_TEST", "200"]);
        var image = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");
        var result = session.Run(image);
        // 96x128 → short edge 160 gives 160x213, clamped by max 200 to 150x200; padded to 160x224.
        Assert.That(result.ImageSizes, Is.EqualTo(new[] { (150, 200) }));
        Assert.That(result["p2"].Shape, Is.EqualTo(new[] { 1, 32, 40, 56 }));
        Assert.That(result["anchors_p2"].Shape, Is.EqualTo(new[] { 40 * 56 * 3, 4 }));
    }

    [Test]
    public void NormalisedInputIsPaddedToTheSizeDivisibility()
    {
        using var session = InferenceSession.Load(TinyConfig);
        var result = session.RunNormalized(new Tensor([1, 3, 70, 90]));
        Assert.That(result["p2"].Shape, Is.EqualTo(new[] { 1, 32, 24, 24 }), "70x90 pads to 96x96; P2 has stride 4");
        Assert.That(result.ImageSizes, Is.EqualTo(new[] { (70, 90) }));
    }

    [Test]
    public void WrongChannelCountIsAShapeErrorNamingTheExpectedLayout()
    {
        using var session = InferenceSession.Load(TinyConfig);
        var e = Assert.Throws<ShapeException>(() => session.RunNormalized(new Tensor([1, 4, 32, 32])));
        Assert.That(e!.Message, Does.Contain("N×3×H×W").And.Contain("[1, 4, 32, 32]"));
    }

    [Test]
    public void ImageInTheWrongChannelOrderIsRejected()
    {
        using var session = InferenceSession.Load(TinyConfig);
        var rgb = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "RGB");
        var e = Assert.Throws<ImageFormatException>(() => session.Run(rgb));
        Assert.That(e!.Message, Does.Contain("INPUT.FORMAT"));
    }

    [Test]
    public void CheckpointForAnotherModelFailsListingMismatchedShapes()
    {
        var e = Assert.Throws<CheckpointException>(() =>
            InferenceSession.Load(TinyConfig, ["MODEL.FPN.OUT_CHANNELS", "64"], TestPaths.Fixture("tiny_r50_fpn", "model.pkl")));
        Assert.That(e!.Message, Does.Contain("backbone.fpn_output2.weight").And.Contain("[64, 64, 3, 3]").And.Contain("[32, 32, 3, 3]"));
    }

    [Test]
    public void SessionWithoutWeightsIsDeterministic()
    {
        using var a = InferenceSession.Load(TinyConfig);
        using var b = InferenceSession.Load(TinyConfig);
        Assert.That(a.WeightsMatch, Is.Null);
        var input = Npy.Read(TestPaths.Fixture("tiny_r50_fpn", "input.npy")).ToTensor();
        Assert.That(a.RunNormalized(input)["p3"].Data, Is.EqualTo(b.RunNormalized(input)["p3"].Data));
    }

    [Test]
    public void PlansForOldInputSizesAreReleasedBeyondTheCacheLimitAndPreparedAgain()
    {
        using var session = InferenceSession.Load(TinyConfig);
        session.MaxCachedPlans = 2;
        var first = new Tensor([1, 3, 64, 64]);
        Array.Fill(first.Data, 0.5f);
        var expected = session.RunNormalized(first)["p3"].Data;
        session.RunNormalized(new Tensor([1, 3, 96, 64]));
        session.RunNormalized(new Tensor([1, 3, 64, 96]));
        Assert.That(session.CachedPlans, Is.EqualTo(2));
        Assert.That(session.RunNormalized(first)["p3"].Data, Is.EqualTo(expected), "a released size is planned again");
        Assert.That(session.CachedPlans, Is.EqualTo(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.MaxCachedPlans = 0);
    }

    [Test]
    public void ImagesOfDifferentSizesArePaddedToTheRoundedMaximumAfterNormalising()
    {
        using var session = InferenceSession.Load(TinyConfig);
        var large = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");
        var small = ImageLoader.FromPixels(large.Pixels.AsSpan(0, 50 * 70 * 3).ToArray(), 50, 70, "BGR");
        var batch = session.Run(large, small);
        Assert.That(batch.ImageSizes, Is.EqualTo(new[] { (96, 128), (50, 70) }));

        // The small image alone, normalised here and placed in a zero 96x128 canvas, as Detectron2's ImageList does.
        var canvas = new Tensor([1, 3, 96, 128]);
        var mean = session.Model.PixelMean;
        var std = session.Model.PixelStd;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 50; y++)
                for (int x = 0; x < 70; x++)
                    canvas.Data[(c * 96 + y) * 128 + x] = (small.Pixels[(y * 70 + x) * 3 + c] - (float)mean[c]) / (float)std[c];
        var alone = session.RunNormalized(canvas);
        foreach (var name in session.Model.FeatureNames)
        {
            var b = batch[name];
            int per = b.Data.Length / 2;
            Assert.That(b.Data.AsSpan(per, per).ToArray(), Is.EqualTo(alone[name].Data), name);
        }
    }

    /// <summary>Counts what reaches the backend, to see which work a new input size causes.</summary>
    private sealed class CountingBackend(IBackend inner) : IBackend
    {
        public int Binds, Prepares;
        public string Name => inner.Name;
        public bool Supports(Op op, [NotNullWhen(false)] out string? reason) => inner.Supports(op, out reason);

        public IBoundModel Bind(ModelGraph graph, ModelWeights weights)
        {
            Binds++;
            return new Bound(this, inner.Bind(graph, weights));
        }

        private sealed class Bound(CountingBackend owner, IBoundModel inner) : IBoundModel
        {
            public ModelGraph Graph => inner.Graph;
            public IBackend Backend => owner;
            public long ArenaBytes => inner.ArenaBytes;

            public long ArenaLimit
            {
                get => inner.ArenaLimit;
                set => inner.ArenaLimit = value;
            }

            public IPlanExecutor Prepare(ExecutionPlan plan)
            {
                owner.Prepares++;
                return inner.Prepare(plan);
            }

            public void Dispose() => inner.Dispose();
        }
    }

    [Test]
    public void WeightsAreBoundOnceAndANewSizeOnlyPreparesAPlan()
    {
        var model = ModelBuilder.Build(ConfigLoader.Load(TinyConfig));
        var backend = new CountingBackend(new ReferenceBackend());
        using var session = InferenceSession.Create(model, WeightBinder.Initialize(model.Graph), backend);
        Assert.That(backend.Binds, Is.EqualTo(1));
        session.RunNormalized(new Tensor([1, 3, 64, 64]));
        session.RunNormalized(new Tensor([1, 3, 96, 64]));
        session.RunNormalized(new Tensor([1, 3, 64, 64]));
        Assert.That((backend.Binds, backend.Prepares), Is.EqualTo((1, 2)));
    }

    [Test]
    public void PlansOfAllSizesShareOneArenaThatGrowsToTheLargest()
    {
        using var session = InferenceSession.Load(TinyConfig);
        session.RunNormalized(new Tensor([1, 3, 64, 64]));
        long small = session.ArenaBytes;
        session.RunNormalized(new Tensor([1, 3, 160, 128]));
        long large = session.ArenaBytes;
        var again = session.RunNormalized(new Tensor([1, 3, 64, 64]));
        Assert.That(large, Is.GreaterThan(small));
        Assert.That(session.ArenaBytes, Is.EqualTo(large));
        Assert.That(again["p2"].Shape, Is.EqualTo(new[] { 1, 32, 16, 16 }));
    }

    /// <summary>
    /// Bytes allocated by the calling thread during <paramref name="action"/>. Runs measured this
    /// way use one thread, so all their work is on this thread, and the test runner's own
    /// threads (which allocate now and then) cannot blur the count; the pool's hand-off is
    /// measured on its own in <see cref="Backends.WorkerPoolTests"/>.
    /// </summary>
    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static IEnumerable<TestCaseData> AllocationCases() =>
        from device in BackendFactory.HostDevices
        from fixture in new[] { "tiny_r50_fpn_gn", "tiny_r50_fpn_dcnv2_g2", "det_faster_rcnn_r50_fpn", "det_mask_rcnn_r50_fpn" }
        select new TestCaseData(device, fixture);

    /// <summary>
    /// The GroupNorm and the deformable case, and the whole detection model with the detection
    /// case's weights (so NMS has real work), with a batch of two: every kernel runs.
    /// </summary>
    [TestCaseSource(nameof(AllocationCases))]
    public void ARunAtARepeatedSizeAllocatesNothing(string device, string fixture)
    {
        var c = FixtureCase.Load(fixture);
        bool detections = fixture.StartsWith("det_");
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), detections ? ModelScope.Detections : ModelScope.Backbone);
        var weights = detections ? WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl")).Weights : WeightBinder.Initialize(model.Graph);
        using var bound = BackendFactory.Create(device, threads: 1).Bind(model.Graph, weights);
        var (height, width) = model.PaddedSize(64, 96);
        using var executor = bound.Prepare(model.PlanForImages(2, height, width));
        var pixels = new byte[2 * height * width * 3];
        new Random(5).NextBytes(pixels);
        executor.SetInput("pixels", pixels.AsSpan());
        executor.SetInput("image_sizes", new[] { 64, 96, 50, 70 }.AsSpan());
        executor.Run();
        Assert.That(AllocatedBy(() => executor.Run()), Is.Zero);
        var p6 = new float[executor.Plan.ElementsOf(model.Graph.Output("p6"))];
        executor.GetOutput<float>("p6", p6);
        Assert.That(p6, Has.All.Matches<float>(float.IsFinite).And.Some.Not.Zero);
        if (!detections) return;
        var counts = new int[2];
        executor.GetOutput<int>("proposals_count", counts);
        Assert.That(counts, Has.All.GreaterThan(10), "proposals survive NMS in both images");
        executor.GetOutput<int>("det_count", counts);
        Assert.That(counts, Has.Some.GreaterThan(0), "detections survive the score threshold and NMS");
    }

    [Test]
    public void RunIntoWritesTheBoundOutputsIntoCallerBuffersWithoutAllocating()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "0"], options: new SessionOptions { Threads = 1 });
        var image = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");
        var expected = session.Run(image);
        var p3 = new float[expected["p3"].Data.Length];
        var anchors = new float[expected["anchors_p2"].Data.Length];
        var outputs = new OutputBuffers().Bind<float>("p3", p3).Bind<float>("anchors_p2", anchors);
        Image[] images = [image];

        var info = session.RunInto(images, outputs);
        Assert.That(info, Is.EqualTo(new RunInfo(1, 96, 128, info.Elapsed)));
        Assert.That(p3, Is.EqualTo(expected["p3"].Data));
        Assert.That(anchors, Is.EqualTo(expected["anchors_p2"].Data));
        Assert.That(AllocatedBy(() => session.RunInto(images, outputs)), Is.Zero);
    }

    [Test]
    public void RunIntoRejectsABufferOfTheWrongSizeOrTypeAndAnUnknownOutput()
    {
        using var session = InferenceSession.Load(TinyConfig);
        var input = new Tensor([1, 3, 64, 64]);
        var e = Assert.Throws<ArgumentException>(() => session.RunNormalizedInto(input, new OutputBuffers().Bind<float>("p2", new float[10])));
        Assert.That(e!.Message, Does.Contain("output 'p2' is float32 [1, 32, 16, 16]").And.Contain("holds 10 Single"));
        Assert.Throws<ArgumentException>(() => session.RunNormalizedInto(input, new OutputBuffers().Bind<long>("p2", new long[32 * 16 * 16])));
        var missing = Assert.Throws<KeyNotFoundException>(() => session.RunNormalizedInto(input, new OutputBuffers().Bind<float>("p9", new float[1])));
        Assert.That(missing!.Message, Does.Contain("'p9'").And.Contain("p2"));
    }

    [Test]
    public void RunIntoNeedsImagesAtTheResizedSize()
    {
        using var session = InferenceSession.Load(TinyConfig, ["INPUT.MIN_SIZE_TEST", "160", "INPUT.MAX_SIZE_TEST", "200"]);
        var image = ImageLoader.Load(TestPaths.Fixture("tiny_r50_fpn", "image.png"), "BGR");
        var e = Assert.Throws<ArgumentException>(() => session.RunInto([image], new OutputBuffers()));
        Assert.That(e!.Message, Does.Contain("call Resize first"));
        var resized = session.Resize(image);
        Assert.That(session.RunInto([resized], new OutputBuffers()).Height, Is.EqualTo(160));
    }

    [Test]
    public void DisposedSessionRefusesToRun()
    {
        var session = InferenceSession.Load(TinyConfig);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.RunNormalized(new Tensor([1, 3, 32, 32])));
    }
}
