using D2Sharp.Backends;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// Every Detectron2 fixture end to end through the library API: config → graph → checkpoint →
/// preprocessing → backend (the CPU backend, and the reference backend too for the image path),
/// compared with what Detectron2 produced.
/// </summary>
[TestFixture]
public class FixtureEndToEndTests
{
    private static IEnumerable<string> Cases => FixtureCase.WithModel;

    private static InferenceSession OpenSession(FixtureCase c, string? weights = null, string device = "cpu") =>
        InferenceSession.Load(c.Path("config_resolved.yaml"), c.RunOpts, weights ?? c.Path("model.pkl"), new SessionOptions { Device = device });

    private static IEnumerable<TestCaseData> CasesOnEveryDevice() =>
        from c in Cases from device in BackendFactory.HostDevices select new TestCaseData(c, device);

    private static void AssertMatchesExpected(FixtureCase c, InferenceResult result)
    {
        var expected = c.Expected;
        Assert.That(result.Outputs.Select(o => o.Key), Is.EquivalentTo(expected.Keys), "output names");
        foreach (var (name, array) in expected)
            Tolerance.AssertClose($"{c.Name}/{name}", result[name], array.ToTensor(), isAnchor: name.StartsWith("anchors_"));
    }

    [TestCaseSource(nameof(CasesOnEveryDevice))]
    public void ImageThroughLibraryMatchesDetectron2(string caseName, string device)
    {
        var c = FixtureCase.Load(caseName);
        using var session = OpenSession(c, device: device);
        var image = ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat);
        var result = session.Run(image);
        AssertMatchesExpected(c, result);
        Assert.That(result.ImageSizes, Is.EqualTo(new[] { (image.Height, image.Width) }));
    }

    [TestCaseSource(nameof(Cases))]
    public void NormalisedTensorThroughLibraryMatchesDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        using var session = OpenSession(c);
        AssertMatchesExpected(c, session.RunNormalized(Npy.Read(c.Path("input.npy")).ToTensor()));
    }

    [TestCase("c2_blobs.pkl")]
    [TestCase("c2_toplevel.pkl")]
    [TestCase("c2_spatialbn.pkl")]
    public void Caffe2CheckpointsReproduceDetectron2(string file)
    {
        var c = FixtureCase.Load("tiny_r50_fpn_c2");
        using var session = OpenSession(c, c.Path(file));
        AssertMatchesExpected(c, session.RunNormalized(Npy.Read(c.Path("input.npy")).ToTensor()));
    }

    [Test]
    public void BatchOfTwoImagesGivesEachImageItsOwnFeatures()
    {
        var c = FixtureCase.Load("tiny_r50_fpn_dcnv2_g2");
        using var session = OpenSession(c);
        var image = ImageLoader.Load(c.Path("image.npy"), session.Model.InputFormat);
        var flipped = ImageLoader.FromPixels(FlipVertically(image), image.Height, image.Width, image.Format);
        var batch = session.Run(image, flipped);
        var single = session.Run(image);
        var singleFlipped = session.Run(flipped);
        foreach (var name in session.Model.FeatureNames)
        {
            var b = batch[name];
            int per = b.Data.Length / 2;
            Assert.That(b.Shape[0], Is.EqualTo(2));
            Assert.That(Tolerance.MaxAbsDiff(b.Data.AsSpan(0, per), single[name].Data), Is.LessThan(1e-4), name);
            Assert.That(Tolerance.MaxAbsDiff(b.Data.AsSpan(per, per), singleFlipped[name].Data), Is.LessThan(1e-4), name);
        }
        AssertMatchesExpected(c, single);
    }

    [Test]
    public void RepeatedRunsAtOneSizeUseOnePlanAndGiveIdenticalResults()
    {
        var c = FixtureCase.Load("tiny_r50_fpn");
        using var session = OpenSession(c);
        var input = Npy.Read(c.Path("input.npy")).ToTensor();
        var first = session.RunNormalized(input);
        var second = session.RunNormalized(input);
        Assert.That(session.CachedPlans, Is.EqualTo(1));
        foreach (var (name, t) in first.Outputs)
            Assert.That(second[name].Data, Is.EqualTo(t.Data), name);
    }

    private static byte[] FlipVertically(Image image)
    {
        var pixels = new byte[image.Pixels.Length];
        int row = image.Width * 3;
        for (int y = 0; y < image.Height; y++)
            Array.Copy(image.Pixels, y * row, pixels, (image.Height - 1 - y) * row, row);
        return pixels;
    }
}
