using System.Text.Json;
using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// RetinaNet's head with <c>MODEL.RETINANET.NORM</c> against torch: the det_retinanet_r50 case's head
/// with a GroupNorm, or a BatchNorm per level, after every subnet conv, run on that case's FPN
/// features (<c>tests/fixtures/make_retinanet_head_norms.py</c> wrote the head's checkpoint and outputs).
/// </summary>
[TestFixture]
public class RetinaNetHeadNormTests
{
    /// <summary>
    /// The fixture's model: its case's config with its opts, the case's backbone weights and the
    /// fixture's head, checked to fit exactly (every key taken, no parameter missing or left at a default).
    /// </summary>
    internal static (FixtureCase Case, ModelSpec Model, ModelWeights Weights) Load(string folder)
    {
        var spec = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(folder, "opts.json"))).RootElement;
        var c = FixtureCase.Load(spec.GetProperty("case").GetString()!);
        var opts = spec.GetProperty("opts").EnumerateArray().Select(o => o.GetString()!).ToList();
        var model = ModelBuilder.Build(ConfigLoader.Load(c.Path("config_resolved.yaml"), opts), ModelScope.Detections);
        var head = CheckpointLoader.Load(TestPaths.Fixture(folder, "head.pkl"));
        var backbone = CheckpointLoader.Load(c.Path("model.pkl")).Tensors.Where(t => t.Key.StartsWith("backbone.", StringComparison.Ordinal));
        var both = new Checkpoint(head.Path, head.Format, head.Author, matchingHeuristics: false, backbone.Concat(head.Tensors).ToDictionary());
        var match = CheckpointMatcher.Match(model.Graph.Parameters.ToList(), both);
        Assert.That(match.Unused, Is.Empty, "unused checkpoint keys");
        Assert.That(match.Missing, Is.Empty, "missing parameters");
        Assert.That(match.Defaulted, Is.Empty, "defaulted running statistics");
        Assert.That(match.Mismatches, Is.Empty, "shape mismatches");
        return (c, model, WeightBinder.Bind(model.Graph, match.Parameters, head.Path));
    }

    [TestCase("retinanet_head_gn")]
    [TestCase("retinanet_head_bn")]
    public void HeadOutputsMatchTorchOnTheCasesFeatures(string folder)
    {
        var (c, model, weights) = Load(folder);
        // The case's FPN features in; the head's outputs, and the detections after them, out.
        var expected = Npz.Read(TestPaths.Fixture(folder, "expected.npz"));
        var features = model.FeatureNames.Select(f => (Value: model.Graph.Output(f), Tensor: c.Expected[f].ToTensor())).ToList();
        var plan = ExecutionPlan.Create(model.Graph, features.Select(f => (f.Value, f.Tensor.Shape)).ToList(), [.. expected.Keys, "det_count"]);
        using var bound = new CpuBackend(threads: 2).Bind(model.Graph, weights);
        using var executor = bound.Prepare(plan);
        foreach (var (value, tensor) in features) executor.SetInput(value.Name, tensor);
        executor.Run();
        Assert.That(expected, Has.Count.EqualTo(2 * features.Count));
        foreach (var (name, array) in expected)
            Tolerance.AssertClose($"{folder}/{name}", executor.GetOutput(name), array.ToTensor());
        Assert.That(executor.GetOutput("det_count").Span<int>()[0], Is.GreaterThan(0));
    }
}
