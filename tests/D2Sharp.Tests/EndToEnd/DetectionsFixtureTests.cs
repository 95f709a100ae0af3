using D2Sharp.Backends.Reference;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// The detection fixtures whose ROI heads D2Sharp builds (StandardROIHeads, Res5ROIHeads, CascadeROIHeads) through
/// <see cref="ModelScope.Detections"/>, from the original image: every stage the fixture records
/// up to the instances, under the fixtures' rules — proposals, detections and instances matched
/// one to one (<see cref="DetectionSets"/>), the box head's rows compared through the proposals'
/// matching.
/// </summary>
[TestFixture]
public class DetectionsFixtureTests
{
    private static IEnumerable<string> Cases =>
        FixtureCase.DetectionWithRpn.Where(c => FixtureCase.Load(c).LoadResolvedConfig().GetString("MODEL.ROI_HEADS.NAME") is "StandardROIHeads" or "Res5ROIHeads" or "CascadeROIHeads");

    private static InferenceResult Run(FixtureCase c, string device)
    {
        using var session = InferenceSession.Load(c.Path("config_resolved.yaml"), null, c.Path("model.pkl"),
            new SessionOptions { Scope = ModelScope.Detections, Device = device });
        return session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
    }

    [Test]
    public void EveryCaseWhoseRoiHeadsAreBuiltIsHere() =>
        Assert.That(Cases, Is.EquivalentTo(new[]
        {
            "det_faster_rcnn_r50_fpn", "det_faster_rcnn_r50_c4", "det_mask_rcnn_r50_fpn", "det_mask_rcnn_dcnv2", "det_cascade_mask_rcnn_r50_fpn",
            "det_keypoint_rcnn_r50_fpn",
        }));

    [TestCaseSource(nameof(Cases))]
    public void EveryStageMatchesDetectron2(string caseName) => AssertEveryStageMatches(caseName, "cpu");

    /// <summary>The whole model's parameters are the checkpoint's keys, every one: nothing missing, nothing unused.</summary>
    [TestCaseSource(typeof(FixtureCase), nameof(FixtureCase.Detection))]
    public void TheWholeModelUsesEveryCheckpointKey(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Detections);
        var (_, match) = WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl"));
        Assert.That(match.Unused, Is.Empty);
        Assert.That(match.Defaulted, Is.Empty);
        Assert.That(match.Parameters.Count, Is.EqualTo(model.Graph.Parameters.Count()));
    }

    /// <summary>The whole check of one case on one device (the Cuda tests run it with <c>cuda</c>).</summary>
    internal static void AssertEveryStageMatches(string caseName, string device)
    {
        var c = FixtureCase.Load(caseName);
        var result = Run(c, device);
        var expected = c.Expected;

        // The proposals, and through their matching the box head's rows.
        int proposals = result["proposals_count"].Span<int>()[0];
        var proposalMatch = MatchSet(expected, "proposals_boxes", "proposals_logits", null,
            result["proposals_boxes"].Data.AsSpan(0, 4 * proposals), result["proposals_logits"].Data.AsSpan(0, proposals), null, caseName);
        // Every tensor with a row per proposal: box_features, box_cls_logits, box_deltas (per cascade stage, with its proposals).
        var rowTied = expected.Keys.Where(k => k.StartsWith("box_")).ToList();
        Assert.That(rowTied, Is.Not.Empty);
        foreach (var name in rowTied)
            AssertRowsClose($"{caseName}/{name}", Rows(result[name]), expected[name].ToTensor(), proposalMatch.Match);

        // The detections in resized-image pixels.
        int detections = result["det_count"].Span<int>()[0];
        var detectionMatch = MatchSet(expected, "det_boxes", "det_scores", "det_classes",
            result["det_boxes"].Data.AsSpan(0, 4 * detections), result["det_scores"].Data.AsSpan(0, detections),
            result["det_classes"].Span<long>()[..detections].ToArray(), caseName);
        if (expected.ContainsKey("mask_probs"))
        {
            // Sigmoid probabilities downstream of ROIAlign on predicted boxes: 2e-2 absolute, as the fixtures' rule.
            var probs = result["mask_probs"];
            AssertRowsClose($"{caseName}/mask_probs", Flatten(probs, probs.Shape[2] * probs.Shape[3]),
                Flatten(expected["mask_probs"].ToTensor(), probs.Shape[2] * probs.Shape[3]), detectionMatch.Match, absolute: 2e-2);
        }
        if (expected.ContainsKey("keypoint_heatmaps"))
        {
            var heatmaps = result["keypoint_heatmaps"];
            int width = heatmaps.Shape[1] * heatmaps.Shape[2] * heatmaps.Shape[3];
            AssertRowsClose($"{caseName}/keypoint_heatmaps", Flatten(heatmaps, width), Flatten(expected["keypoint_heatmaps"].ToTensor(), width), detectionMatch.Match);
        }

        // The instances in original-image pixels.
        var instances = result.Instances!.Single();
        var input = c.Json.GetProperty("input");
        Assert.That((instances.ImageHeight, instances.ImageWidth), Is.EqualTo((input.GetProperty("original_height").GetInt32(), input.GetProperty("original_width").GetInt32())));
        var instanceMatch = MatchSet(expected, "instances_boxes", "instances_scores", "instances_classes",
            instances.Boxes, instances.Scores, instances.Classes.Select(k => (long)k).ToArray(), caseName);
        Assert.That(instances.Count, Is.EqualTo(c.Json.GetProperty("counts").GetProperty("instances").GetInt32()));
        if (expected.ContainsKey("instances_masks"))
            AssertMasksMatch(caseName, instances.Masks!, expected["instances_masks"].ToTensor(), instanceMatch.Match);
        if (expected.ContainsKey("instances_keypoints"))
            AssertKeypointsMatch(caseName, instances, expected["instances_keypoints"].ToTensor(), instanceMatch.Match);
    }

    /// <summary>The fixtures' keypoint rule: x and y within 1e-3·max(1, max|coordinate|), the score within 1e-3·max(1, max score).</summary>
    private static void AssertKeypointsMatch(string what, Instances instances, Tensor expected, int[] match)
    {
        int k = expected.Shape[1];
        Assert.That(instances.KeypointsPerInstance, Is.EqualTo(k), $"{what}: keypoints per instance");
        var e = expected.Data;
        double coords = 1e-3 * Math.Max(1, Enumerable.Range(0, e.Length).Where(i => i % 3 != 2).Max(i => Math.Abs(e[i])));
        double scores = 1e-3 * Math.Max(1, Enumerable.Range(0, e.Length).Where(i => i % 3 == 2).Max(i => Math.Abs(e[i])));
        for (int i = 0; i < match.Length; i++)
            for (int j = 0; j < 3 * k; j++)
            {
                double a = instances.Keypoints![match[i] * 3 * k + j], x = e[i * 3 * k + j];
                Assert.That(Math.Abs(a - x), Is.LessThanOrEqualTo(j % 3 == 2 ? scores : coords),
                    $"{what}: instance {i} keypoint {j / 3} {"xys"[j % 3]} is {a}, expected {x}");
            }
    }

    /// <summary>The fixtures' mask rule: per instance at most max(8, 1 % of the expected mask's foreground) differing pixels.</summary>
    private static void AssertMasksMatch(string what, IReadOnlyList<BitMask> actual, Tensor expected, int[] match)
    {
        int h = expected.Shape[1], w = expected.Shape[2];
        for (int i = 0; i < match.Length; i++)
        {
            var mask = actual[match[i]];
            Assert.That((mask.Height, mask.Width), Is.EqualTo((h, w)), $"{what}: mask size");
            int differing = 0, foreground = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    bool e = expected.Data[(i * h + y) * w + x] != 0;
                    if (e) foreground++;
                    if (e != mask[y, x]) differing++;
                }
            Assert.That(differing, Is.LessThanOrEqualTo(Math.Max(8, foreground / 100)), $"{what}: instance {i} mask ({foreground} foreground pixels)");
        }
    }

    /// <summary>A [N, P, 4] box tensor as N·P rows; anything else as it is.</summary>
    private static Tensor Rows(Tensor t) => t.Rank == 3 ? Flatten(t, t.Shape[2]) : t;

    /// <summary>[N, D, …] as D rows of <paramref name="width"/> values.</summary>
    private static Tensor Flatten(Tensor t, int width) => new([t.Data.Length / width, width], t.Data);

    [Test]
    public void RetinaNetMatchesDetectron2ThroughTheInstances() => AssertRetinaNetMatches("cpu");

    internal static void AssertRetinaNetMatches(string device)
    {
        var c = FixtureCase.Load("det_retinanet_r50");
        var result = Run(c, device);
        var expected = c.Expected;
        foreach (var name in expected.Keys.Where(k => k.StartsWith("retina_") || k.StartsWith("anchors_") || k.StartsWith('p')))
            Tolerance.AssertClose($"retinanet/{name}", result[name], expected[name].ToTensor(), name.StartsWith("anchors_"));
        int detections = result["det_count"].Span<int>()[0];
        MatchSet(expected, "det_boxes", "det_scores", "det_classes", result["det_boxes"].Data.AsSpan(0, 4 * detections),
            result["det_scores"].Data.AsSpan(0, detections), result["det_classes"].Span<long>()[..detections].ToArray(), "retinanet");
        var instances = result.Instances!.Single();
        MatchSet(expected, "instances_boxes", "instances_scores", "instances_classes",
            instances.Boxes, instances.Scores, instances.Classes.Select(k => (long)k).ToArray(), "retinanet");
        Assert.That(instances.Count, Is.EqualTo(c.Json.GetProperty("counts").GetProperty("instances").GetInt32()));
    }

    [Test]
    public void TheReferenceBackendGivesTheSameDetections()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var instances = Run(c, "reference").Instances!.Single();
        var expected = c.Expected;
        MatchSet(expected, "instances_boxes", "instances_scores", "instances_classes",
            instances.Boxes, instances.Scores, instances.Classes.Select(k => (long)k).ToArray(), "reference");
    }

    /// <summary>
    /// <c>POOLER_TYPE: ROIPool</c> for each pooler Detectron2 reads it for: the model builds with
    /// <see cref="RoiPool"/> there and runs through the instances. The fixtures were made with
    /// ROIAlignV2, so only the pooled values themselves are checked against torchvision (<see cref="Ops.RoiPoolTests"/>).
    /// </summary>
    [TestCase("det_faster_rcnn_r50_fpn", "MODEL.ROI_BOX_HEAD", "roi_heads.box_pooler", "det_boxes")]
    [TestCase("det_mask_rcnn_r50_fpn", "MODEL.ROI_MASK_HEAD", "roi_heads.mask_pooler", "mask_probs")]
    [TestCase("det_keypoint_rcnn_r50_fpn", "MODEL.ROI_KEYPOINT_HEAD", "roi_heads.keypoint_pooler", "keypoint_heatmaps")]
    public void ARoiPoolPoolerBuildsAndRuns(string caseName, string section, string pooler, string pooled)
    {
        var c = FixtureCase.Load(caseName);
        using var session = InferenceSession.Load(c.Path("config_resolved.yaml"), [$"{section}.POOLER_TYPE", "ROIPool"], c.Path("model.pkl"),
            new SessionOptions { Scope = ModelScope.Detections, Device = "cpu" });
        Assert.That(session.Model.Graph.Nodes.Where(n => n.Op is RoiPool).Select(n => n.Name), Is.EqualTo(new[] { pooler }));
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        int detections = result["det_count"].Span<int>()[0];
        Assert.That(detections, Is.GreaterThan(0));
        // Rows past the count hold fillers, finite too.
        Assert.That(result[pooled].Data, Has.All.Matches<float>(float.IsFinite), pooled);
        Assert.That(result.Instances!.Single().Count, Is.GreaterThan(0));
    }

    private static DetectionSets.Result MatchSet(IReadOnlyDictionary<string, NpyArray> expected, string boxes, string scores, string? classes,
        ReadOnlySpan<float> actualBoxes, ReadOnlySpan<float> actualScores, long[]? actualClasses, string what)
    {
        var result = DetectionSets.Match(expected[boxes].ToTensor().Data, expected[scores].ToTensor().Data,
            classes == null ? null : expected[classes].ToTensor().Data.Select(v => (long)v).ToArray(), actualBoxes, actualScores, actualClasses);
        Assert.That(result.Passed, $"{what} {boxes}: {result}");
        return result;
    }

    /// <summary>Expected row i against actual row match[i], within 1e-3·max(1, max|expected|) of the whole tensor (or an absolute tolerance).</summary>
    private static void AssertRowsClose(string what, Tensor actual, Tensor expected, int[] match, double? absolute = null)
    {
        int width = expected.Shape[1];
        Assert.That(actual.Shape[1], Is.EqualTo(width), $"{what}: row width");
        double tolerance = absolute ?? Tolerance.Feature(expected.Data), worst = 0;
        for (int i = 0; i < match.Length; i++)
            worst = Math.Max(worst, Tolerance.MaxAbsDiff(actual.Data.AsSpan(match[i] * width, width), expected.Data.AsSpan(i * width, width)));
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance), $"{what}: max abs error {worst:G4} > tolerance {tolerance:G4}");
    }
}
