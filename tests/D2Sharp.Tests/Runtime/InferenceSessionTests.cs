using D2Sharp.Imaging;
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
    public void PlansForOldInputSizesAreReleasedBeyondTheCacheLimit()
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
    public void DisposedSessionRefusesToRun()
    {
        var session = InferenceSession.Load(TinyConfig);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.RunNormalized(new Tensor([1, 3, 32, 32])));
    }
}
