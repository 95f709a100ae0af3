using System.Text.Json;

namespace D2Sharp.Tests.Cli;

/// <summary><c>d2sharp run --format json</c> and <c>--batch</c>: a document machines can read, and folders run in padded batches.</summary>
[TestFixture]
public class RunFormatTests
{
    private static readonly FixtureCase Case = FixtureCase.Load("det_faster_rcnn_r50_fpn");
    private static string[] Common => ["run", "--config", Case.Path("config_resolved.yaml"), "--weights", Case.Path("model.pkl"), "--scope", "detections", "--threads", "2"];

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = D2Sharp.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void OneInputAsJsonIsOneDocumentWithTheInstancesAndOutputs()
    {
        var (code, stdout, stderr) = Run([.. Common, "--input", Case.Path("image.png"), "--format", "json"]);
        Assert.That(code, Is.Zero, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var image = doc.RootElement.GetProperty("images").EnumerateArray().Single();
        Assert.That((image.GetProperty("height").GetInt32(), image.GetProperty("width").GetInt32()), Is.EqualTo((150, 200)));
        var instances = image.GetProperty("instances").EnumerateArray().ToList();
        Assert.That(instances, Has.Count.EqualTo(Case.Expected["instances_scores"].ToTensor().Data.Length));
        var first = instances[0];
        Assert.That(first.GetProperty("box").GetArrayLength(), Is.EqualTo(4));
        Assert.That(first.GetProperty("name").GetString(), Is.Not.Empty);
        Assert.That(first.GetProperty("score").GetSingle(), Is.EqualTo(Case.Expected["instances_scores"].ToTensor().Data[0]).Within(1e-3));
        Assert.That(doc.RootElement.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()), Has.Member("det_boxes"));
    }

    [Test]
    public void AFolderInBatchesGivesEachImageTheInstancesOfAnUnbatchedRun()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"d2sharp-batch-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            for (int i = 1; i <= 3; i++) File.Copy(Case.Path("image.png"), Path.Combine(folder, $"{i}.png"));
            var (code, stdout, stderr) = Run([.. Common, "--input", folder, "--batch", "2", "--format", "json"]);
            Assert.That(code, Is.Zero, stderr);
            using var batched = JsonDocument.Parse(stdout);
            var summary = batched.RootElement.GetProperty("summary");
            Assert.That((summary.GetProperty("images").GetInt32(), summary.GetProperty("batch").GetInt32()), Is.EqualTo((3, 2)));
            Assert.That(summary.GetProperty("images_per_s").GetDouble(), Is.GreaterThan(0));
            var images = batched.RootElement.GetProperty("images").EnumerateArray().ToList();
            Assert.That(images.Select(i => i.GetProperty("image_id").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3 }));

            (code, stdout, stderr) = Run([.. Common, "--input", Case.Path("image.png"), "--format", "json"]);
            Assert.That(code, Is.Zero, stderr);
            using var single = JsonDocument.Parse(stdout);
            string expected = single.RootElement.GetProperty("images")[0].GetProperty("instances").GetRawText();
            foreach (var image in images)
                Assert.That(image.GetProperty("instances").GetRawText(), Is.EqualTo(expected), "the same image, alone or in a batch of equal sizes");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void BatchAndFormatAreChecked()
    {
        var (code, _, stderr) = Run([.. Common, "--input", Case.Path("image.png"), "--batch", "2"]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--batch groups the images of a folder input"));
        (code, _, stderr) = Run([.. Common, "--input", Case.Path("image.png"), "--format", "yaml"]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--format must be text or json"));
    }
}
