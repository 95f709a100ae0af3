using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// Res5ROIHeads' mask path (C4 Mask R-CNN, <c>mask_rcnn_R_50_C4_*.yaml</c>) against an oracle made
/// outside D2Sharp: <c>tests/fixtures/res5_mask_head/make.py</c> runs torchvision's
/// <c>roi_align</c>, the checkpoint's res5 stage and a random mask head in torch on Detectron2's
/// own res4 features and detections of the <c>det_faster_rcnn_r50_c4</c> case.
/// </summary>
[TestFixture]
public class Res5MaskHeadTests
{
    [TestCase("cpu")]
    [TestCase("reference")]
    public void MaskProbabilitiesMatchTheTorchOracle(string device)
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_c4");
        var cfg = D2Sharp.Config.ConfigLoader.Load(c.Path("config_resolved.yaml"), ["MODEL.MASK_ON", "True", "MODEL.ROI_MASK_HEAD.CONV_DIM", "32"]);
        var model = ModelBuilder.Build(cfg, ModelScope.Detections);
        var tensors = CheckpointLoader.Load(c.Path("model.pkl")).Tensors.ToDictionary();
        foreach (var (name, array) in Npz.Read(TestPaths.Fixture("res5_mask_head", "mask_head.npz"))) tensors.Add(name, array.ToTensor());
        Assert.That(tensors.Keys, Is.EquivalentTo(model.Graph.Parameters.Select(p => p.Name)), "the C4 mask model's parameters: the checkpoint's and the mask head's");
        var weights = WeightBinder.Bind(model.Graph, tensors, "det_faster_rcnn_r50_c4 + res5_mask_head");
        using var session = InferenceSession.Create(model, weights, D2Sharp.Backends.BackendFactory.Create(device, threads: 2));
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), model.InputFormat));

        var expected = c.Expected;
        int detections = result["det_count"].Span<int>()[0];
        var match = DetectionSets.Match(expected["det_boxes"].ToTensor().Data, expected["det_scores"].ToTensor().Data,
            expected["det_classes"].ToTensor().Data.Select(v => (long)v).ToArray(), result["det_boxes"].Data.AsSpan(0, 4 * detections),
            result["det_scores"].Data.AsSpan(0, detections), result["det_classes"].Span<long>()[..detections].ToArray());
        Assert.That(match.Passed, match.ToString());

        var probs = result["mask_probs"];
        var oracle = Npz.Read(TestPaths.Fixture("res5_mask_head", "expected.npz"))["mask_probs"].ToTensor();
        int size = oracle.Shape[1] * oracle.Shape[2];
        Assert.That(probs.Shape, Is.EqualTo(new[] { 1, cfg.GetInt("TEST.DETECTIONS_PER_IMAGE"), oracle.Shape[1], oracle.Shape[2] }), "14×14 masks: res5 halves the 14×14 pool, the deconv doubles it");
        double worst = 0;
        for (int i = 0; i < match.Match.Length; i++)
            worst = Math.Max(worst, Tolerance.MaxAbsDiff(probs.Data.AsSpan(match.Match[i] * size, size), oracle.Data.AsSpan(i * size, size)));
        Assert.That(worst, Is.LessThanOrEqualTo(1e-3), "mask probabilities, max abs error");

        var instances = result.Instances!.Single();
        Assert.That(instances.Masks, Has.Count.EqualTo(instances.Count));
        Assert.That(instances.Masks!.Sum(m => m.Area), Is.GreaterThan(0));
    }
}
