using D2Sharp.Backends.Reference;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// The RPN's proposals (<c>find_top_rpn_proposals</c>: decode, clip, MIN_SIZE, per-level NMS,
/// POST_NMS_TOPK_TEST) against Detectron2's <c>proposals_boxes</c> / <c>proposals_logits</c>
/// under the fixtures' set rule (<see cref="DetectionSets"/>), on the image path and on the
/// normalised-tensor path, on the CPU and reference backends.
/// </summary>
[TestFixture]
public class RpnProposalsFixtureTests
{
    private static IEnumerable<string> Cases => FixtureCase.DetectionWithRpn;

    private static void AssertProposalsMatch(FixtureCase c, InferenceResult result, string what)
    {
        var boxes = result["proposals_boxes"];
        var logits = result["proposals_logits"];
        var count = result["proposals_count"].Span<int>()[0];
        int bound = boxes.Shape[1];
        Assert.That(bound, Is.EqualTo(Math.Min(c.Json.GetProperty("test_settings").GetProperty("RPN.POST_NMS_TOPK_TEST").GetInt32(),
            c.Json.GetProperty("counts").GetProperty("rpn_per_level").EnumerateObject().Sum(l => l.Value.GetProperty("topk").GetInt32()))),
            "the plan holds POST_NMS_TOPK_TEST rows, or every candidate when there are fewer");
        var expectedBoxes = c.Expected["proposals_boxes"].ToTensor();
        var expectedLogits = c.Expected["proposals_logits"].ToTensor();
        Assert.That(count, Is.EqualTo(expectedLogits.Shape[0]), $"{what}: proposals kept");

        var match = DetectionSets.Match(expectedBoxes.Data, expectedLogits.Data, null,
            boxes.Data.AsSpan(0, 4 * count), logits.Data.AsSpan(0, count), null);
        Assert.That(match.Passed, $"{what}: {match}");
        Assert.That(logits.Data.AsSpan(count).ToArray(), Has.All.EqualTo(float.NegativeInfinity), $"{what}: rows past the count");
    }

    [TestCaseSource(nameof(Cases))]
    public void ProposalsFromTheImageMatchDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var (session, result) = RpnTopKTests.Run(c);
        using var _ = session;
        AssertProposalsMatch(c, result, caseName);
    }

    [TestCaseSource(nameof(Cases))]
    public void ProposalsFromTheNormalisedTensorMatchDetectron2OnTheReferenceBackend(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Rpn);
        var (weights, _) = WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl"));
        using var session = InferenceSession.Create(model, weights, new ReferenceBackend());
        // input.npy is padded; the proposals are clipped to the resized image inside it.
        var input = Npy.Read(c.Path("input.npy")).ToTensor();
        var resized = c.Json.GetProperty("input");
        var unpadded = Crop(input, resized.GetProperty("resized_height").GetInt32(), resized.GetProperty("resized_width").GetInt32());
        AssertProposalsMatch(c, session.RunNormalized(unpadded), $"{caseName} (reference, tensor input)");
    }

    private static Tensor Crop(Tensor nchw, int height, int width)
    {
        int n = nchw.Shape[0], ch = nchw.Shape[1], h = nchw.Shape[2], w = nchw.Shape[3];
        var crop = new Tensor([n, ch, height, width]);
        for (int plane = 0; plane < n * ch; plane++)
            for (int y = 0; y < height; y++)
                nchw.Data.AsSpan((plane * h + y) * w, width).CopyTo(crop.Data.AsSpan((plane * height + y) * width, width));
        return crop;
    }
}
