using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Hybrid;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Tests.EndToEnd;

namespace D2Sharp.Tests.Cuda;

/// <summary>
/// The detection fixtures on <c>--device cuda</c>: a HybridBackend whose plan alternates between
/// GPU segments (the backbone, the RPN head, then per ROI head ROIAlign, its convolutions and FC
/// layers) and CPU segments (top-k, NMS, the inference ops, ConvTranspose2d), checked stage by
/// stage against Detectron2 as on the CPU, and against the CPU backend's detections. A fixture
/// missing here (the GPU check carries only some) is ignored.
/// </summary>
[TestFixture, Category("Cuda")]
public class CudaDetectionTests
{
    [TestCase("det_faster_rcnn_r50_fpn")]
    [TestCase("det_mask_rcnn_r50_fpn")]
    [TestCase("det_faster_rcnn_r50_c4")]
    [TestCase("det_mask_rcnn_dcnv2")]
    [TestCase("det_cascade_mask_rcnn_r50_fpn")]
    [TestCase("det_keypoint_rcnn_r50_fpn")]
    public void EveryStageMatchesDetectron2OnTheGpu(string caseName)
    {
        CudaRequirement.Require();
        RequireFixture(caseName);
        DetectionsFixtureTests.AssertEveryStageMatches(caseName, "cuda");
    }

    /// <summary>
    /// The GPU's detections against the CPU backend's: as many, and each CPU detection met by one of
    /// the same class with IoU above 0.99 and a score within 1e-3 (the backbone's float32 sums
    /// differ, so the order of near-equal scores may too). Three cases, to keep the GPU check short:
    /// the cascade and keypoint heads are checked against Detectron2 above.
    /// </summary>
    [TestCase("det_faster_rcnn_r50_fpn")]
    [TestCase("det_mask_rcnn_r50_fpn")]
    [TestCase("det_faster_rcnn_r50_c4")]
    public void DetectionsOnTheGpuMatchTheCpuBackends(string caseName)
    {
        CudaRequirement.Require();
        RequireFixture(caseName);
        var c = FixtureCase.Load(caseName);
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Detections);
        var (height, width) = model.PaddedSize(64, 96);
        Assert.That(PlanSplit.Of(model.PlanForImages(1, height, width), new CudaBackend())!.Segments, Has.Count.GreaterThanOrEqualTo(3),
            "the ROI heads pool on the GPU between CPU segments");
        var cpu = Detect(c, "cpu");
        var gpu = Detect(c, "cuda");
        Assert.That(gpu.Count, Is.EqualTo(cpu.Count), "detections");
        foreach (var (box, score, cls) in cpu)
            Assert.That(gpu.Any(g => g.Class == cls && Math.Abs(g.Score - score) <= 1e-3 && IoU(g.Box, box) > 0.99),
                $"no GPU detection of class {cls} near [{string.Join(", ", box)}] score {score}");
    }

    private static List<(float[] Box, float Score, long Class)> Detect(FixtureCase c, string device)
    {
        using var session = InferenceSession.Load(c.Path("config_resolved.yaml"), null, c.Path("model.pkl"),
            new SessionOptions { Scope = ModelScope.Detections, Device = device });
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        int count = result["det_count"].Span<int>()[0];
        var boxes = result["det_boxes"].Data;
        var scores = result["det_scores"].Data;
        var classes = result["det_classes"].Span<long>().ToArray();
        return Enumerable.Range(0, count).Select(i => (boxes.AsSpan(4 * i, 4).ToArray(), scores[i], classes[i])).ToList();
    }

    private static double IoU(float[] a, float[] b)
    {
        double w = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0])), h = Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        double inter = w * h, union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : a.SequenceEqual(b) ? 1 : 0;
    }

    [Test]
    public void RetinaNetMatchesDetectron2OnTheGpu()
    {
        CudaRequirement.Require();
        RequireFixture("det_retinanet_r50");
        DetectionsFixtureTests.AssertRetinaNetMatches("cuda");
    }

    private static void RequireFixture(string caseName)
    {
        if (!File.Exists(TestPaths.Fixture(caseName, "case.json"))) Assert.Ignore($"fixture {caseName} is not in this checkout");
    }
}
