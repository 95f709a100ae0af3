using System.Text.Json;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// Detectron2's <c>ProposalNetwork</c> (the RPN-only meta-architecture of <c>rpn_R_50_*.yaml</c>):
/// its output is the RPN's proposals through <c>detector_postprocess</c>. The fixtures' RPNs are
/// the same modules, so a fixture's config with <c>MODEL.META_ARCHITECTURE ProposalNetwork</c>
/// must give its <c>proposals_boxes</c> / <c>proposals_logits</c> scaled to the original image,
/// clipped, empty boxes dropped.
/// </summary>
[TestFixture]
public class ProposalNetworkTests
{
    private static IEnumerable<string> Cases => FixtureCase.DetectionWithRpn;

    [TestCaseSource(nameof(Cases))]
    public void InstancesAreTheRpnProposalsInOriginalImagePixels(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        using var session = InferenceSession.Load(c.Path("config_resolved.yaml"), ["MODEL.META_ARCHITECTURE", "ProposalNetwork"], c.Path("model.pkl"),
            new SessionOptions { Scope = ModelScope.Detections });
        var outputs = session.Model.Graph.Outputs.Select(o => o.Key).ToList();
        Assert.That(outputs, Has.Member("proposals_boxes"));
        Assert.That(outputs, Has.None.StartsWith("det_").And.None.StartsWith("box_"), "nothing runs after the RPN");
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        var instances = result.Instances!.Single();

        var input = c.Json.GetProperty("input");
        int height = input.GetProperty("original_height").GetInt32(), width = input.GetProperty("original_width").GetInt32();
        float scaleX = (float)((double)width / input.GetProperty("resized_width").GetInt32());
        float scaleY = (float)((double)height / input.GetProperty("resized_height").GetInt32());
        var boxes = c.Expected["proposals_boxes"].ToTensor().Data;
        var logits = c.Expected["proposals_logits"].ToTensor().Data;
        var expectedBoxes = new List<float>();
        var expectedLogits = new List<float>();
        for (int i = 0; i < logits.Length; i++)
        {
            float x1 = Math.Clamp(boxes[4 * i] * scaleX, 0, width), y1 = Math.Clamp(boxes[4 * i + 1] * scaleY, 0, height);
            float x2 = Math.Clamp(boxes[4 * i + 2] * scaleX, 0, width), y2 = Math.Clamp(boxes[4 * i + 3] * scaleY, 0, height);
            if (x2 <= x1 || y2 <= y1) continue;
            expectedBoxes.AddRange([x1, y1, x2, y2]);
            expectedLogits.Add(logits[i]);
        }

        Assert.That(instances.AreProposals);
        Assert.That((instances.ImageHeight, instances.ImageWidth), Is.EqualTo((height, width)));
        Assert.That(instances.Count, Is.EqualTo(expectedLogits.Count).And.GreaterThan(0));
        Assert.That(instances.Classes, Has.All.EqualTo(0));
        Assert.That(instances.Masks, Is.Null);
        var match = DetectionSets.Match(expectedBoxes.ToArray(), expectedLogits.ToArray(), null, instances.Boxes, instances.Scores, null);
        Assert.That(match.Passed, match.ToString());
        Assert.That(session.WeightsMatch!.Unused, Has.All.StartsWith("roi_heads."), "a ProposalNetwork has no ROI heads");
    }

    [Test]
    public void TheCliPrintsWritesAndDrawsProposals()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        string json = Path.Combine(Path.GetTempPath(), $"d2sharp-proposals-{Environment.ProcessId}.json");
        string picture = Path.ChangeExtension(json, ".png");
        try
        {
            var stdout = new StringWriter();
            int code = D2Sharp.Cli.Cli.Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
                "--opts", "MODEL.META_ARCHITECTURE", "ProposalNetwork", "--input", c.Path("image.png"), "--scope", "detections",
                "--threads", "2", "--output", json, "--visualize", picture], stdout, stdout);
            Assert.That(code, Is.Zero, stdout.ToString());
            Assert.That(stdout.ToString(), Does.Contain("proposals").And.Contain("objectness logit").And.Contain("20 of"));
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var results = doc.RootElement.EnumerateArray().ToList();
            Assert.That(results, Is.Not.Empty);
            Assert.That(results.Select(r => r.TryGetProperty("category_id", out _)), Has.All.False, "a proposal has no class");
            Assert.That(results.Select(r => r.GetProperty("bbox").GetArrayLength()), Has.All.EqualTo(4));
            Assert.That(new FileInfo(picture).Length, Is.GreaterThan(0));
        }
        finally
        {
            File.Delete(json);
            File.Delete(picture);
        }
    }
}
