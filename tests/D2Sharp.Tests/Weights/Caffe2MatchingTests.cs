using System.Text.Json;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>
/// The Caffe2 copies of tiny_r50_fpn, matched against the parameter list of tiny_r50_fpn/model.pkl,
/// give back the reference weights: copied blobs bit for bit, FrozenBN blobs as the fold the fixture
/// documents, and running statistics defaulted to mean 0 / var 1 (what Detectron2 then runs with).
/// </summary>
[TestFixture]
public sealed class Caffe2MatchingTests
{
    private const double Eps = 1e-5;

    private sealed record Row(string C2, string D2, string Value, string RenamedTo);

    [TestCase("c2_blobs.pkl", "rows", new string[0])]
    [TestCase("c2_toplevel.pkl", "rows", new[] { "linear.bias", "linear.weight" })]
    [TestCase("c2_spatialbn.pkl", "spatialbn_rows", new string[0])]
    public void EveryParameterGetsTheReferenceValue(string file, string table, string[] unused)
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn_c2", file));
        var reference = WeightsFixtures.Reference.Tensors;

        var match = CheckpointMatcher.Match(WeightsFixtures.ReferenceParameters(), checkpoint);

        Assert.That(match.IsComplete, Is.True, match.Report());
        Assert.That(match.Unused, Is.EqualTo(unused));
        Assert.That(match.Parameters.Keys, Is.EquivalentTo(reference.Keys));
        var rows = ReadRows(table);
        Assert.That(match.Sources, Has.Count.EqualTo(rows.Count));
        foreach (var row in rows)
        {
            Assert.That(match.Sources[row.D2], Is.EqualTo(row.RenamedTo), row.C2);
            Assert.That(checkpoint.OriginalName(row.RenamedTo), Is.EqualTo(row.C2));
            var expected = Expected(row, reference);
            // The fold went through float64 in another order; 1e-6 of the tensor's scale still
            // separates it from a fold without the sqrt(1 + eps) term (5e-6 relative).
            double tolerance = 1e-6 * Math.Max(1, expected.Max(Math.Abs));
            Assert.That(match.Parameters[row.D2].Data, Is.EqualTo(expected).Within(tolerance), row.C2);
            if (row.Value == "copied")
                Assert.That(match.Parameters[row.D2].Data, Is.EqualTo(reference[row.D2].Data), $"{row.C2} is copied bit for bit");
        }
    }

    [TestCase("c2_blobs.pkl", 106)]
    [TestCase("c2_toplevel.pkl", 106)]
    [TestCase("c2_spatialbn.pkl", 0)]
    public void RunningStatisticsAreDefaultedOnlyWhenTheFileLacksThem(string file, int defaulted)
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn_c2", file));

        var match = CheckpointMatcher.Match(WeightsFixtures.ReferenceParameters(), checkpoint);

        Assert.That(match.Defaulted, Has.Count.EqualTo(defaulted));
        Assert.That(match.Missing, Is.Empty);
        foreach (var name in match.Defaulted)
        {
            float value = name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f : 0f;
            Assert.That(name, Does.EndWith(".running_mean").Or.EndWith(".running_var"));
            Assert.That(match.Parameters[name].Data, Has.All.EqualTo(value), name);
        }
    }

    [Test]
    public void ReportNamesTheOriginalBlobs()
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn_c2", "c2_toplevel.pkl"));

        string report = CheckpointMatcher.Match(WeightsFixtures.ReferenceParameters(), checkpoint).Report();

        Assert.That(report, Does.Contain("Caffe2 format").And.Contain("suffix name matching")
            .And.Contain("backbone.bottom_up.res2.0.conv1.weight <- res2.0.conv1.weight (blob 'res2_0_branch2a_w')")
            .And.Contain("linear.weight (blob 'pred_w') [1000, 256]"));
    }

    /// <summary>What the C2 blob should hold, computed from the reference weights (fold in float64, as the fixture did).</summary>
    private static float[] Expected(Row row, IReadOnlyDictionary<string, Tensor> reference)
    {
        if (row.Value == "copied") return reference[row.D2].Data;
        string prefix = row.D2[..(row.D2.LastIndexOf('.') + 1)];
        var w = reference[prefix + "weight"].Data;
        var b = reference[prefix + "bias"].Data;
        var mean = reference[prefix + "running_mean"].Data;
        var variance = reference[prefix + "running_var"].Data;
        return row.Value switch
        {
            "FrozenBN folded: scale" => w.Select((wi, i) => (float)(wi * Math.Sqrt(1 + Eps) / Math.Sqrt(variance[i] + Eps))).ToArray(),
            "FrozenBN folded: bias" => b.Select((bi, i) => (float)(bi - mean[i] * w[i] / Math.Sqrt(variance[i] + Eps))).ToArray(),
            _ => throw new InvalidDataException($"unknown value kind '{row.Value}' in c2_names.json"),
        };
    }

    private static List<Row> ReadRows(string table)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(WeightsFixtures.Path("tiny_r50_fpn_c2", "c2_names.json")));
        return json.RootElement.GetProperty(table).EnumerateArray()
            .Select(r => new Row(r.GetProperty("c2").GetString()!, r.GetProperty("d2").GetString()!,
                r.GetProperty("value").GetString()!, r.GetProperty("detectron2_renames_to").GetString()!))
            .ToList();
    }
}
