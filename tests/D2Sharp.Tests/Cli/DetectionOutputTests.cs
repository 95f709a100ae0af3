using System.Text.Json;
using D2Sharp.Runtime;

namespace D2Sharp.Tests.Cli;

/// <summary>What <c>d2sharp run</c> gives a detection model's user: COCO results JSON (compressed RLE, dataset metadata), folders of images, and pictures.</summary>
[TestFixture]
public class DetectionOutputTests
{
    private static BitMask Mask(int height, int width, Func<int, int, bool> set)
    {
        var mask = new BitMask(height, width);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                mask[y, x] = set(y, x);
        return mask;
    }

    /// <summary>
    /// Hand-worked with pycocotools' rleToString: runs [0, 4]; [2, 3, 4, 1] (the fourth as 1 − 3 = −2:
    /// group 30, sign bit set and nothing left, '0' + 30 = 'N'); [100] = (4 | 32), then 3.
    /// </summary>
    [Test]
    public void CompressedRleMatchesHandWorkedStrings()
    {
        Assert.That(Mask(2, 2, (_, _) => true).ToCocoRleString(), Is.EqualTo("04"));
        Assert.That(Mask(5, 2, (y, x) => (x == 0 && y >= 2) || (x == 1 && y == 4)).ToCocoRleString(), Is.EqualTo("234N"));
        Assert.That(Mask(10, 10, (_, _) => false).ToCocoRleString(), Is.EqualTo("T3"));
    }

    /// <summary>pycocotools' rleFrString, written out independently, inverts the string back to the uncompressed counts.</summary>
    [Test]
    public void CompressedRleDecodesToTheCounts()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            int h = random.Next(1, 60), w = random.Next(1, 60);
            int cx = random.Next(w), cy = random.Next(h), r = random.Next(1, 40);
            var mask = Mask(h, w, (y, x) => (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r || random.Next(50) == 0);
            Assert.That(Decode(mask.ToCocoRleString()), Is.EqualTo(mask.ToRleCounts()), $"{h}x{w}");
        }
    }

    private static List<long> Decode(string s)
    {
        var counts = new List<long>();
        int p = 0;
        while (p < s.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                long c = s[p] - 48;
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (counts.Count > 2) x += counts[^2];
            counts.Add(x);
        }
        return counts;
    }

    [Test]
    public void MetadataGivesCocoIdsForCocoDatasetsAndIndicesOtherwise()
    {
        var coco = DatasetMetadata.For("coco_2017_val", 80);
        Assert.That(coco.IsKnown, Is.True);
        Assert.That(coco.CategoryIds, Is.Unique.And.Count.EqualTo(80));
        Assert.That((coco.ClassNames[0], coco.CategoryIds[0]), Is.EqualTo(("person", 1)));
        Assert.That((coco.ClassNames[11], coco.CategoryIds[11]), Is.EqualTo(("stop sign", 13)));
        Assert.That((coco.ClassNames[79], coco.CategoryIds[79]), Is.EqualTo(("toothbrush", 90)));
        Assert.That(DatasetMetadata.For("keypoints_coco_2017_val", 1).CategoryIds, Is.EqualTo(new[] { 1 }));
        var other = DatasetMetadata.For("my_dataset_val", 3);
        Assert.That(other.IsKnown, Is.False);
        Assert.That((other.ClassNames[2], other.CategoryIds[2]), Is.EqualTo(("class 2", 2)));
        Assert.That(DatasetMetadata.For("coco_2017_val", 5).IsKnown, Is.False, "a class count the table does not have");
    }

    [TestCase("det_mask_rcnn_r50_fpn")]
    [TestCase("det_keypoint_rcnn_r50_fpn")]
    public void TheCliWritesCocoResultsOfTheInstances(string fixture)
    {
        var c = FixtureCase.Load(fixture);
        string json = Path.Combine(Path.GetTempPath(), $"d2sharp-{fixture}-{Environment.ProcessId}.json");
        try
        {
            var stdout = new StringWriter();
            int code = D2Sharp.Cli.Cli.Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
                "--input", c.Path("image.png"), "--scope", "detections", "--threads", "2", "--output", json], stdout, stdout);
            Assert.That(code, Is.Zero, stdout.ToString());
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var results = doc.RootElement.EnumerateArray().ToList();
            var expected = c.Expected;
            Assert.That(results, Has.Count.EqualTo(expected["instances_scores"].ToTensor().Data.Length));
            var boxes = expected["instances_boxes"].ToTensor().Data;
            var first = results[0];
            var bbox = first.GetProperty("bbox").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.That(bbox[2], Is.EqualTo(boxes[2] - boxes[0]).Within(1e-2), "width");
            Assert.That(first.GetProperty("image_id").GetInt64(), Is.Zero);
            var coco = DatasetMetadata.For("coco_2017_val", 80).CategoryIds;
            Assert.That(results.Select(r => r.GetProperty("category_id").GetInt32()).Distinct(), Is.SubsetOf(coco));
            if (fixture.Contains("mask"))
            {
                var segmentation = first.GetProperty("segmentation");
                int[] image = D2Sharp.IO.Npy.Read(c.Path("image.npy")).Shape;
                Assert.That(segmentation.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { image[0], image[1] }));
                Assert.That(Decode(segmentation.GetProperty("counts").GetString()!).Sum(), Is.EqualTo((long)image[0] * image[1]));
            }
            else
            {
                var keypoints = first.GetProperty("keypoints").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                var expectedKeypoints = expected["instances_keypoints"].ToTensor().Data;
                Assert.That(keypoints, Has.Length.EqualTo(17 * 3));
                Assert.That(keypoints[0], Is.EqualTo(expectedKeypoints[0] - 0.5f).Within(0.05f), "x − 0.5, Detectron2's COCO convention");
            }
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Test]
    public void AFolderRunsEveryImageAndWritesTheirResultsUnderTheirNumbers()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        string folder = Path.Combine(Path.GetTempPath(), $"d2sharp-folder-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            File.Copy(c.Path("image.png"), Path.Combine(folder, "000000000042.png"));
            File.Copy(c.Path("image.png"), Path.Combine(folder, "000000000007.png"));
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
            string json = Path.Combine(folder, "results.json");
            string[] common = ["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"), "--scope", "detections", "--threads", "2"];
            var stdout = new StringWriter();
            int code = D2Sharp.Cli.Cli.Run([.. common, "--input", folder, "--output", json], stdout, stdout);
            Assert.That(code, Is.Zero, stdout.ToString());
            Assert.That(stdout.ToString(), Does.Contain("[1/2] 000000000007.png").And.Contain("[2/2] 000000000042.png").And.Contain("2 images in"));
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var ids = doc.RootElement.EnumerateArray().Select(r => r.GetProperty("image_id").GetInt64()).ToList();
            int perImage = c.Expected["instances_scores"].ToTensor().Data.Length;
            Assert.That(ids.Count(id => id == 7), Is.EqualTo(perImage));
            Assert.That(ids.Count(id => id == 42), Is.EqualTo(perImage));

            var error = new StringWriter();
            Assert.That(D2Sharp.Cli.Cli.Run([.. common, "--input", folder, "--output", Path.Combine(folder, "out.npz")], new StringWriter(), error), Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("a folder input writes --output .json"));
            string empty = Directory.CreateDirectory(Path.Combine(folder, "empty")).FullName;
            error = new StringWriter();
            Assert.That(D2Sharp.Cli.Cli.Run([.. common, "--input", empty], new StringWriter(), error), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("no .png, .jpg or .jpeg image"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The picture keeps the input's size and pixels where nothing is drawn, and changes them on the
    /// first instance's box outline; with the default 0.5 threshold this fixture's low scores draw nothing.
    /// </summary>
    [Test]
    public void VisualizeDrawsTheInstancesOnTheImage()
    {
        var c = FixtureCase.Load("det_mask_rcnn_r50_fpn");
        string picture = Path.Combine(Path.GetTempPath(), $"d2sharp-visualize-{Environment.ProcessId}.png");
        try
        {
            string[] run = ["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"), "--input", c.Path("image.png"),
                "--scope", "detections", "--threads", "2", "--visualize", picture];
            var stdout = new StringWriter();
            Assert.That(D2Sharp.Cli.Cli.Run([.. run, "--min-score", "0"], stdout, stdout), Is.Zero, stdout.ToString());
            var input = D2Sharp.Imaging.ImageLoader.Load(c.Path("image.png"), "RGB");
            var drawn = D2Sharp.Imaging.ImageLoader.Load(picture, "RGB");
            Assert.That((drawn.Height, drawn.Width), Is.EqualTo((input.Height, input.Width)));
            var boxes = c.Expected["instances_boxes"].ToTensor().Data;
            int x = (int)MathF.Round((boxes[0] + boxes[2]) / 2), y = (int)MathF.Round(boxes[3]);
            Assert.That(PixelAt(drawn, y, x), Is.Not.EqualTo(PixelAt(input, y, x)), "the first box's bottom edge is drawn");
            Assert.That(stdout.ToString(), Does.Contain($"{boxes.Length / 4} of {boxes.Length / 4} instances"));

            stdout = new StringWriter();
            Assert.That(D2Sharp.Cli.Cli.Run(run, stdout, stdout), Is.Zero, stdout.ToString());
            Assert.That(stdout.ToString(), Does.Contain($"0 of {boxes.Length / 4} instances (score ≥ 0.5)"));
            Assert.That(D2Sharp.Imaging.ImageLoader.Load(picture, "RGB").Pixels, Is.EqualTo(input.Pixels), "nothing drawn");
        }
        finally
        {
            File.Delete(picture);
        }
    }

    private static (byte, byte, byte) PixelAt(D2Sharp.Imaging.Image image, int y, int x)
    {
        y = Math.Clamp(y, 0, image.Height - 1);
        x = Math.Clamp(x, 0, image.Width - 1);
        int at = 3 * (y * image.Width + x);
        return (image.Pixels[at], image.Pixels[at + 1], image.Pixels[at + 2]);
    }
}
