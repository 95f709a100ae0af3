using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// The detection fixtures through the <see cref="ModelScope.Rpn"/> scope: Detectron2's real
/// test-time resize, the backbone, the RPN head's raw outputs, and each level's pre-NMS top-k,
/// whose selection the fixtures keep at least 1e-4 logits away from any tie. The proposals that
/// follow are in <see cref="RpnProposalsFixtureTests"/>.
/// </summary>
[TestFixture]
public class RpnTopKTests
{
    private static IEnumerable<string> Cases => FixtureCase.DetectionWithRpn;

    internal static (InferenceSession Session, InferenceResult Result) Run(FixtureCase c)
    {
        var session = InferenceSession.Load(c.Path("config_resolved.yaml"), null, c.Path("model.pkl"), new SessionOptions { Scope = ModelScope.Rpn });
        var result = session.Run(ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat));
        return (session, result);
    }

    [TestCaseSource(nameof(Cases))]
    public void BackboneAnchorsAndRpnHeadMatchDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var (session, result) = Run(c);
        using var _ = session;
        var input = c.Json.GetProperty("input");
        Assert.That(result.ImageSizes, Is.EqualTo(new[] { (input.GetProperty("resized_height").GetInt32(), input.GetProperty("resized_width").GetInt32()) }));
        var expected = c.Expected;
        var compared = new List<string>();
        foreach (var (name, tensor) in result.Outputs.Where(o => !o.Key.StartsWith("rpn_topk_") && !o.Key.StartsWith("proposals_")))
        {
            Tolerance.AssertClose($"{caseName}/{name}", tensor, expected[name].ToTensor(), name.StartsWith("anchors_"));
            compared.Add(name);
        }
        Assert.That(compared.Count(n => n.StartsWith("rpn_objectness_")), Is.EqualTo(c.Json.GetProperty("counts").GetProperty("rpn_per_level").EnumerateObject().Count()));
        Assert.That(session.WeightsMatch!.Unused, Has.All.StartsWith("roi_heads."), "only the ROI heads are left for a later scope");
    }

    [TestCaseSource(nameof(Cases))]
    public void PerLevelTopKSelectsDetectron2sProposalsInOrder(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var (session, result) = Run(c);
        using var _ = session;
        foreach (var level in c.Json.GetProperty("counts").GetProperty("rpn_per_level").EnumerateObject())
        {
            string f = level.Name;
            int k = level.Value.GetProperty("topk").GetInt32();
            var logits = result[$"rpn_topk_logits_{f}"];
            var indices = result[$"rpn_topk_indices_{f}"];
            Assert.That(indices.Type, Is.EqualTo(DataType.Int64));
            Assert.That(indices.Shape, Is.EqualTo(new[] { 1, k }), $"{f}: k = min(PRE_NMS_TOPK_TEST, H·W·A)");

            // Detectron2's selection: its own logits, flattened (y·W + x)·A + a, top k.
            var detectron2 = Flatten(c.Expected[$"rpn_objectness_{f}"].ToTensor());
            var expectedSet = Enumerable.Range(0, detectron2.Length).OrderByDescending(i => detectron2[i]).Take(k).ToHashSet();
            var selected = indices.Span<long>().ToArray();
            Assert.That(selected.Select(i => (int)i), Is.EquivalentTo(expectedSet), $"{f}: the selected anchors");

            var ours = Flatten(result[$"rpn_objectness_{f}"]);
            Assert.That(logits.Data, Is.EqualTo(selected.Select(i => ours[i]).ToArray()), $"{f}: each value is the logit at its index");
            Assert.That(logits.Data, Is.Ordered.Descending, $"{f}: sorted by logit");
        }
    }

    /// <summary>NCHW [1, A, H, W] in Detectron2's <c>permute(0, 2, 3, 1).flatten(1)</c> order.</summary>
    private static float[] Flatten(Tensor t)
    {
        int a = t.Shape[1], h = t.Shape[2], w = t.Shape[3];
        var flat = new float[a * h * w];
        for (int c = 0; c < a; c++)
            for (int p = 0; p < h * w; p++)
                flat[p * a + c] = t.Data[c * h * w + p];
        return flat;
    }
}
