using D2Sharp.Cli.Pictures;
using D2Sharp.Imaging;

namespace D2Sharp.Tests.Cli;

/// <summary><c>d2sharp visualize</c>: the pyramid, anchor and detection pictures, made from a run of the fixtures' models.</summary>
[TestFixture]
public class VisualizeCommandTests
{
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = Path.Combine(Path.GetTempPath(), $"d2sharp-visualize-{Environment.ProcessId}-{Guid.NewGuid():N}");

    [TearDown]
    public void DeleteFolder()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static (int Code, string Out) Run(params string[] args)
    {
        var stdout = new StringWriter();
        int code = D2Sharp.Cli.Cli.Run(args, stdout, stdout);
        return (code, stdout.ToString());
    }

    /// <summary>How many distinct colours a rectangle of the picture holds.</summary>
    private static int Colours(Image picture, int left, int top, int width, int height)
    {
        var seen = new HashSet<int>();
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
            {
                int at = 3 * (y * picture.Width + x);
                seen.Add(picture.Pixels[at] << 16 | picture.Pixels[at + 1] << 8 | picture.Pixels[at + 2]);
            }
        return seen.Count;
    }

    [Test]
    public void AMaskRcnnGetsAPyramidAnchorsAndDetections()
    {
        var c = FixtureCase.Load("det_mask_rcnn_r50_fpn");
        var (code, stdout) = Run("visualize", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
            "--input", c.Path("image.png"), "--output", _folder, "--threads", "2", "--min-score", "0.1");
        Assert.That(code, Is.Zero, stdout);
        Assert.That(stdout, Does.Contain("5 levels (p2, p3, p4, p5, p6)").And.Contain("16 of 32 instances"));

        // Six panels (the input and p2–p6) in 3 columns of 360 px with 12 px margins; a panel is 360 × 190/170 · 360.
        var pyramid = ImageLoader.Load(Path.Combine(_folder, "pyramid.png"), "RGB");
        int panelHeight = (int)Math.Round(360.0 * 190 / 170);
        Assert.That((pyramid.Width, pyramid.Height), Is.EqualTo((3 * 360 + 4 * 12, 2 * (panelHeight + 26) + 3 * 12)));
        // The p2 panel (second column, first row): a heat map of its 41×36 cells, not one flat colour.
        Assert.That(Colours(pyramid, 12 + 372 + 10, 12 + 26 + 10, 300, 300), Is.GreaterThan(50));

        // The image enlarged to a 720 px long side, above a legend of 5 lines.
        var anchors = ImageLoader.Load(Path.Combine(_folder, "anchors.png"), "RGB");
        Assert.That((anchors.Width, anchors.Height), Is.EqualTo(((int)Math.Round(170 * 720.0 / 190), 720 + 22 * 5 + 10)));

        var detections = ImageLoader.Load(Path.Combine(_folder, "detections.png"), "RGB");
        Assert.That((detections.Width, detections.Height), Is.EqualTo((170, 190)));
    }

    [Test]
    public void ABackboneOnlyCheckpointGetsThePyramidAndAnchorsWithScopeBackbone()
    {
        var c = FixtureCase.Load("tiny_r50_c4");
        var (code, stdout) = Run("visualize", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
            "--input", c.Path("image.png"), "--output", _folder, "--scope", "backbone", "--threads", "2");
        Assert.That(code, Is.Zero, stdout);
        Assert.That(stdout, Does.Contain("the input and 1 level (res4)").And.Contain("no detections.png"));
        Assert.That(File.Exists(Path.Combine(_folder, "anchors.png")));
        Assert.That(File.Exists(Path.Combine(_folder, "detections.png")), Is.False);
    }

    [Test]
    public void ViridisRunsFromDarkBlueToYellow()
    {
        Assert.That(PyramidPicture.Viridis(0), Is.EqualTo(new SkiaSharp.SKColor(68, 1, 84)));
        Assert.That(PyramidPicture.Viridis(1), Is.EqualTo(new SkiaSharp.SKColor(253, 231, 37)));
        Assert.That(PyramidPicture.Viridis(float.NaN), Is.EqualTo(PyramidPicture.Viridis(0)));
        Assert.That(PyramidPicture.Viridis(2), Is.EqualTo(PyramidPicture.Viridis(1)));
    }
}
