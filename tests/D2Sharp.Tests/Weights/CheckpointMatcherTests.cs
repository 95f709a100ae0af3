using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

[TestFixture]
public sealed class CheckpointMatcherTests
{
    [Test]
    public void ReferenceCheckpointMatchesItsOwnParametersExactly()
    {
        var reference = WeightsFixtures.Reference;

        var match = CheckpointMatcher.Match(WeightsFixtures.ReferenceParameters(), reference);

        Assert.That(match.IsComplete, Is.True, match.Report());
        Assert.That(match.Parameters, Has.Count.EqualTo(281));
        Assert.That(match.Unused, Is.Empty);
        Assert.That(match.Defaulted, Is.Empty);
        foreach (var (name, tensor) in reference.Tensors)
        {
            Assert.That(match.Parameters[name], Is.SameAs(tensor), name);
            Assert.That(match.Sources[name], Is.EqualTo(name));
        }
        Assert.DoesNotThrow(match.ThrowIfIncomplete);
    }

    [Test]
    public void MissingMismatchedAndUnusedAreReportedWithNamesAndShapes()
    {
        var parameters = WeightsFixtures.ReferenceParameters()
            .Where(p => p.Name != "backbone.fpn_output2.bias")
            .Select(p => p.Name == "backbone.fpn_output2.weight" ? p with { Shape = [32, 32, 1, 1] } : p)
            .Append(new ParameterSpec("backbone.extra.weight", [4, 2]))
            .ToList();

        var match = CheckpointMatcher.Match(parameters, WeightsFixtures.Reference);

        Assert.That(match.IsComplete, Is.False);
        Assert.That(match.Missing, Is.EqualTo(new[] { "backbone.extra.weight" }));
        Assert.That(match.Unused, Is.EqualTo(new[] { "backbone.fpn_output2.bias" }));
        Assert.That(match.Mismatches, Has.Count.EqualTo(1));
        var mismatch = match.Mismatches[0];
        Assert.That(mismatch.Parameter, Is.EqualTo("backbone.fpn_output2.weight"));
        Assert.That(mismatch.CheckpointKey, Is.EqualTo("backbone.fpn_output2.weight"));
        Assert.That(mismatch.Expected, Is.EqualTo(new[] { 32, 32, 1, 1 }));
        Assert.That(mismatch.Found, Is.EqualTo(new[] { 32, 32, 3, 3 }));
        Assert.That(match.Parameters.ContainsKey("backbone.fpn_output2.weight"), Is.False);

        var e = Assert.Throws<CheckpointException>(match.ThrowIfIncomplete);
        Assert.That(e!.Path, Is.EqualTo(WeightsFixtures.Reference.Path));
        Assert.That(e.Message, Does.Contain("backbone.extra.weight [4, 2]")
            .And.Contain("backbone.fpn_output2.weight: model expects [32, 32, 1, 1], checkpoint has [32, 32, 3, 3]"));

        string report = match.Report();
        Assert.That(report, Does.Contain("Missing").And.Contain("backbone.extra.weight")
            .And.Contain("Shape mismatches").And.Contain("Unused").And.Contain("backbone.fpn_output2.bias [32]"));
    }

    [Test]
    public void ExactNamesDoNotSuffixMatch()
    {
        var checkpoint = InMemory(heuristics: false, ("conv1.weight", [3]));

        var match = CheckpointMatcher.Match([new ParameterSpec("a.conv1.weight", [3])], checkpoint);

        Assert.That(match.Missing, Is.EqualTo(new[] { "a.conv1.weight" }));
        Assert.That(match.Unused, Is.EqualTo(new[] { "conv1.weight" }));
    }

    [Test]
    public void LongestSuffixWins()
    {
        // The example of align_and_update_state_dicts' docstring.
        var checkpoint = InMemory(heuristics: true, ("res2.conv1.weight", [2]), ("conv1.weight", [3]));

        var match = CheckpointMatcher.Match(
            [new ParameterSpec("backbone.body.res2.conv1.weight", [2]), new ParameterSpec("backbone.body.conv1.weight", [3])],
            checkpoint);

        Assert.That(match.IsComplete, Is.True);
        Assert.That(match.Sources["backbone.body.res2.conv1.weight"], Is.EqualTo("res2.conv1.weight"));
        Assert.That(match.Sources["backbone.body.conv1.weight"], Is.EqualTo("conv1.weight"));
        Assert.That(match.Parameters["backbone.body.conv1.weight"], Is.SameAs(checkpoint.Tensors["conv1.weight"]));
    }

    [Test]
    public void SuffixMustStartAfterADot()
    {
        var checkpoint = InMemory(heuristics: true, ("conv1", [1]), ("whatever_conv1", [2]));

        var match = CheckpointMatcher.Match(
            [new ParameterSpec("roi_heads.mesh_head.whatever_conv1", [2]), new ParameterSpec("roi_heads.mesh_head.xconv1", [1])],
            checkpoint);

        Assert.That(match.Sources["roi_heads.mesh_head.whatever_conv1"], Is.EqualTo("whatever_conv1"));
        Assert.That(match.Missing, Is.EqualTo(new[] { "roi_heads.mesh_head.xconv1" }));
        Assert.That(match.Unused, Is.EqualTo(new[] { "conv1" }));
    }

    [Test]
    public void OneCheckpointKeyForTwoParametersIsAnError()
    {
        var checkpoint = InMemory(heuristics: true, ("conv1.weight", [3]));

        var e = Assert.Throws<CheckpointException>(() => CheckpointMatcher.Match(
            [new ParameterSpec("a.conv1.weight", [3]), new ParameterSpec("b.conv1.weight", [3])], checkpoint));

        Assert.That(e!.Message, Does.Contain("'conv1.weight'").And.Contain("a.conv1.weight").And.Contain("b.conv1.weight")
            .And.Contain(checkpoint.Path));
    }

    [Test]
    public void ShapeIsCheckedBeforeAmbiguityAsInDetectron2()
    {
        var checkpoint = InMemory(heuristics: true, ("conv1.weight", [3]));

        var match = CheckpointMatcher.Match(
            [new ParameterSpec("a.conv1.weight", [3]), new ParameterSpec("b.conv1.weight", [4])], checkpoint);

        Assert.That(match.Sources["a.conv1.weight"], Is.EqualTo("conv1.weight"));
        Assert.That(match.Mismatches, Has.Count.EqualTo(1));
        Assert.That(match.Mismatches[0], Is.EqualTo(new ShapeMismatch("b.conv1.weight", "conv1.weight", [4], [3]))
            .Using<ShapeMismatch>((x, y) => x.Parameter == y.Parameter && x.CheckpointKey == y.CheckpointKey
                && x.Expected.SequenceEqual(y.Expected) && x.Found.SequenceEqual(y.Found)));
        Assert.That(match.Missing, Is.Empty);
        Assert.That(match.Unused, Is.Empty);
    }

    [Test]
    public void SuffixMatchWithTheWrongShapeIsReportedOnce()
    {
        var checkpoint = InMemory(heuristics: true, ("res2.conv1.weight", [5]));

        var match = CheckpointMatcher.Match([new ParameterSpec("backbone.res2.conv1.weight", [4])], checkpoint);

        Assert.That(match.Mismatches.Select(m => (m.Parameter, m.CheckpointKey)),
            Is.EqualTo(new[] { ("backbone.res2.conv1.weight", "res2.conv1.weight") }));
        Assert.That(match.Missing, Is.Empty, "a mismatched parameter is reported as a mismatch, not also as missing");
        Assert.That(match.Unused, Is.Empty, "nor is its checkpoint key reported as unused");
    }

    [Test]
    public void DataParallelPrefixIsStrippedWhenEveryKeyHasIt()
    {
        var prefixed = InMemory(heuristics: false, ("module.a", [1]), ("module.b", [1]));
        var mixed = InMemory(heuristics: false, ("module.a", [1]), ("b", [1]));
        ParameterSpec[] model = [new("a", [1]), new("b", [1])];

        var stripped = CheckpointMatcher.Match(model, prefixed);
        var kept = CheckpointMatcher.Match(model, mixed);

        Assert.That(stripped.IsComplete, Is.True);
        Assert.That(stripped.Sources["a"], Is.EqualTo("module.a"));
        Assert.That(kept.Missing, Is.EqualTo(new[] { "a" }));
        Assert.That(kept.Unused, Is.EqualTo(new[] { "module.a" }));
    }

    [Test]
    public void AbsentRunningStatisticsAreDefaultedNotMissing()
    {
        var checkpoint = InMemory(heuristics: true, ("res2.0.conv1.norm.weight", [3]), ("res2.0.conv1.norm.bias", [3]));

        var match = CheckpointMatcher.Match(
        [
            new ParameterSpec("backbone.res2.0.conv1.norm.weight", [3]),
            new ParameterSpec("backbone.res2.0.conv1.norm.bias", [3]),
            new ParameterSpec("backbone.res2.0.conv1.norm.running_mean", [3]),
            new ParameterSpec("backbone.res2.0.conv1.norm.running_var", [3]),
        ], checkpoint);

        Assert.That(match.IsComplete, Is.True);
        Assert.That(match.Defaulted, Is.EqualTo(new[] { "backbone.res2.0.conv1.norm.running_mean", "backbone.res2.0.conv1.norm.running_var" }));
        Assert.That(match.Parameters["backbone.res2.0.conv1.norm.running_mean"].Data, Is.EqualTo(new float[] { 0, 0, 0 }));
        Assert.That(match.Parameters["backbone.res2.0.conv1.norm.running_var"].Data, Is.EqualTo(new float[] { 1, 1, 1 }));
        Assert.That(match.Sources.ContainsKey("backbone.res2.0.conv1.norm.running_var"), Is.False);
        Assert.That(match.Report(), Does.Contain("Defaulted"));
    }

    [TestCase(2)]
    [TestCase(4)]
    public void TorchvisionConvertedCheckpointSuffixMatchesIntoBottomUp(int protocol)
    {
        // What tools/convert-torchvision-to-d2.py writes: "layerN" → "resN+1", "bnK" → "convK.norm",
        // "downsample" → "shortcut", everything outside the layers under "stem." (fc included),
        // BatchNorm's num_batches_tracked as 0-d int64 arrays.
        var model = new Dictionary<string, object?>
        {
            ["stem.conv1.weight"] = TestArray.Ramp([2, 3, 1, 1], 0),
            ["stem.conv1.norm.weight"] = TestArray.Ramp([2], 10),
            ["stem.conv1.norm.bias"] = TestArray.Ramp([2], 20),
            ["stem.conv1.norm.running_mean"] = TestArray.Ramp([2], 30),
            ["stem.conv1.norm.running_var"] = TestArray.Ramp([2], 40),
            ["stem.conv1.norm.num_batches_tracked"] = new TestArray("i8", '<', [], new byte[8]),
            ["res2.0.conv1.weight"] = TestArray.Ramp([2, 2, 1, 1], 50),
            ["res2.0.conv1.norm.weight"] = TestArray.Ramp([2], 60),
            ["res2.0.shortcut.weight"] = TestArray.Ramp([4, 2, 1, 1], 70),
            ["res2.0.shortcut.norm.weight"] = TestArray.Ramp([4], 80),
            ["stem.fc.weight"] = TestArray.Ramp([5, 4], 90),
            ["stem.fc.bias"] = TestArray.Ramp([5], 100),
        };
        string path = TempPickleFiles.Write(TestPickle.Of(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["__author__"] = "torchvision",
            ["matching_heuristics"] = true,
        }, protocol), "r50.pkl");
        var checkpoint = CheckpointLoader.Load(path);
        var parameters = model.Keys
            .Where(k => !k.StartsWith("stem.fc.", StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Select(k => new ParameterSpec("backbone.bottom_up." + k, checkpoint.Tensors[k].Shape))
            .Append(new ParameterSpec("backbone.fpn_lateral2.weight", [4, 4, 1, 1]))
            .ToList();

        var match = CheckpointMatcher.Match(parameters, checkpoint);

        Assert.That(checkpoint.MatchingHeuristics, Is.True);
        Assert.That(match.Missing, Is.EqualTo(new[] { "backbone.fpn_lateral2.weight" }));
        Assert.That(match.Mismatches, Is.Empty);
        Assert.That(match.Unused, Is.EqualTo(new[] { "stem.conv1.norm.num_batches_tracked", "stem.fc.bias", "stem.fc.weight" }));
        Assert.That(match.Sources, Has.Count.EqualTo(9));
        foreach (var (parameter, source) in match.Sources)
        {
            Assert.That(parameter, Is.EqualTo("backbone.bottom_up." + source));
            Assert.That(match.Parameters[parameter].Data, Is.EqualTo(checkpoint.Tensors[source].Data));
        }
        Assert.That(match.Parameters["backbone.bottom_up.res2.0.conv1.weight"].Data, Is.EqualTo(new[] { 50f, 50.5f, 51f, 51.5f }));
        Assert.That(match.Report(), Does.Contain("backbone.bottom_up.stem.conv1.weight <- stem.conv1.weight"));
    }

    private static Checkpoint InMemory(bool heuristics, params (string Key, int[] Shape)[] entries) =>
        new("in-memory.pkl", CheckpointFormat.Detectron2, "test", heuristics,
            entries.ToDictionary(e => e.Key, e => new Tensor(e.Shape)));
}
