using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Modeling;
using D2Sharp.Weights;
using D2Sharp.Backends.Reference;
using D2Sharp.Runtime;
using D2Sharp.IO;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.EndToEnd;

/// <summary>
/// Parity below the outputs: the stem and every stage output against Detectron2's intermediates,
/// and each deformable conv op alone on Detectron2's own inputs and offsets.
/// </summary>
[TestFixture]
public class IntermediateParityTests
{
    private static IEnumerable<string> Cases => FixtureCase.WithModel;

    private static (ModelSpec Model, ModelWeights Weights) Load(FixtureCase c)
    {
        var model = ModelBuilder.Build(c.LoadResolvedConfig());
        return (model, WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl")).Weights);
    }

    /// <summary>"backbone.bottom_up" for FPN backbones, "backbone" for plain ResNets, as the intermediates are keyed.</summary>
    private static string ResNetPrefix(ModelGraph g) =>
        g.Nodes.Any(n => n.Name.StartsWith("backbone.bottom_up.", StringComparison.Ordinal)) ? "backbone.bottom_up" : "backbone";

    [TestCaseSource(nameof(Cases))]
    public void StemAndStagesMatchDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var (model, weights) = Load(c);
        var g = model.Graph;
        string prefix = ResNetPrefix(g);
        string keyPrefix = prefix == "backbone" ? "" : "bottom_up.";
        var intermediates = c.Intermediates;
        var checkedNames = new List<string>();
        foreach (var stage in new[] { "stem", "res2", "res3", "res4", "res5" })
        {
            if (!intermediates.TryGetValue(keyPrefix + stage, out var expected)) continue;
            var value = stage == "stem"
                ? g.Values.Single(v => v.Name == $"{prefix}.stem")
                : g.Nodes.Last(n => n.Name.StartsWith($"{prefix}.{stage}.", StringComparison.Ordinal)).Output;
            g.MarkOutput("check_" + stage, value);
            checkedNames.Add(stage);
        }
        Assert.That(checkedNames, Has.Count.GreaterThanOrEqualTo(4), "intermediates found");
        using var session = InferenceSession.Create(model, weights, new ReferenceBackend());
        var result = session.RunNormalized(Npy.Read(c.Path("input.npy")).ToTensor());
        foreach (var stage in checkedNames)
            Tolerance.AssertClose($"{c.Name}/{stage}", result["check_" + stage], intermediates[keyPrefix + stage].ToTensor());
    }

    [TestCaseSource(nameof(Cases))]
    public void CellAnchorsMatchDetectron2(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var (model, _) = Load(c);
        var intermediates = c.Intermediates;
        foreach (var node in model.Graph.Nodes.Where(n => n.Op is AnchorGrid))
        {
            string feature = node.Name["anchor_generator.".Length..];
            var expected = intermediates[$"cell_anchors_{feature}"].ToTensor();
            var actual = new Tensor(expected.Shape, ((AnchorGrid)node.Op).CellAnchors);
            Tolerance.AssertClose($"{c.Name}/cell_anchors_{feature}", actual, expected, isAnchor: true);
        }
    }

    private static IEnumerable<TestCaseData> DeformCases()
    {
        // The fixtures record the first deformable block of each deformable stage.
        foreach (var stage in new[] { "res3", "res4", "res5" })
            yield return new TestCaseData("tiny_r50_fpn_dcnv2_g2", stage);
        foreach (var stage in new[] { "res4", "res5" })
            yield return new TestCaseData("tiny_r50_fpn_dcnv1_avg_offset", stage);
    }

    [TestCaseSource(nameof(DeformCases))]
    public void DeformConvOpMatchesDetectron2OnItsOwnInputs(string caseName, string stage)
    {
        var c = FixtureCase.Load(caseName);
        var intermediates = c.Intermediates;
        string key = $"bottom_up.{stage}.0.conv2";
        var model = ModelBuilder.Build(c.LoadResolvedConfig());
        var node = model.Graph.Nodes.Single(n => n.Name == $"backbone.{key}");
        var op = (DeformConv2d)node.Op;
        // Detectron2 records conv2's output after its norm and before the block's ReLU.
        var noRelu = new DeformConv2d
        {
            InChannels = op.InChannels, OutChannels = op.OutChannels, Kernel = op.Kernel, Stride = op.Stride,
            Padding = op.Padding, Dilation = op.Dilation, Groups = op.Groups, DeformableGroups = op.DeformableGroups,
            Modulated = op.Modulated, Norm = op.Norm,
        };
        var x = intermediates[key + ".input"].ToTensor();
        var rawOffset = intermediates[$"bottom_up.{stage}.0.conv2_offset.output"].ToTensor();
        var expected = intermediates[key + ".output"].ToTensor();
        var checkpoint = CheckpointLoader.Load(c.Path("model.pkl"));
        var parameters = noRelu.Parameters.ToDictionary(p => p.Name, p => checkpoint.Tensors[node.ParameterName(p.Name)]);
        var y = OpRunner.Run(new ReferenceBackend(), noRelu, [x, rawOffset], parameters)[0];
        Tolerance.AssertClose($"{caseName}/{key}", y, expected);

        // The layout the op assumes: offsets are the first 18·DG raw channels, the mask the sigmoid of the rest.
        var offsets = intermediates[key + ".offset"].ToTensor();
        int offsetChannels = offsets.Shape[1];
        int plane = rawOffset.Shape[2] * rawOffset.Shape[3];
        Assert.That(rawOffset.Data.AsSpan(0, offsetChannels * plane).ToArray(), Is.EqualTo(offsets.Data));
        if (op.Modulated)
        {
            var mask = intermediates[key + ".mask"].ToTensor();
            var logits = rawOffset.Data.AsSpan(offsetChannels * plane).ToArray();
            var sigmoid = logits.Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();
            Assert.That(Tolerance.MaxAbsDiff(sigmoid, mask.Data), Is.LessThan(1e-6));
        }
    }
}
