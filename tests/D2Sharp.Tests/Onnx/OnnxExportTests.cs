using D2Sharp.Backends.Cpu;
using D2Sharp.Config;
using D2Sharp.IO;
using D2Sharp.Modeling;
using D2Sharp.Onnx;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using D2Sharp.Weights;
using Microsoft.ML.OnnxRuntime.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace D2Sharp.Tests.Onnx;

/// <summary>
/// Every fixture's model exported to ONNX and run by ONNX Runtime (CPU, all graph optimisations)
/// reproduces Detectron2's outputs under the fixtures' rule, and D2Sharp's CPU backend's outputs
/// within 1e-4 where the model has no deformable convolution (whose validity border, a sample at
/// y ≤ −1 reads 0, turns float32 noise in the offsets into jumps).
/// </summary>
[TestFixture]
public class OnnxExportTests
{
    private static IEnumerable<string> Cases => FixtureCase.WithModel;

    /// <summary>Two float32 engines summing in different orders: within 1e-4 · max(1, max|expected|).</summary>
    private const double Tolerance = 1e-4;

    private static Dictionary<string, Tensor> RunOrt(byte[] model, Tensor input)
    {
        using var options = new Ort.SessionOptions { GraphOptimizationLevel = Ort.GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 2 };
        using var session = new Ort.InferenceSession(model, options);
        var feed = new DenseTensor<float>(input.Data, input.Shape);
        using var results = session.Run([Ort.NamedOnnxValue.CreateFromTensor("image", feed)]);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            DenseTensor<float> f => new Tensor(f.Dimensions.ToArray(), f.ToArray()),
            DenseTensor<long> l => new Tensor(l.Dimensions.ToArray(), l.ToArray()),
            var other => throw new InvalidOperationException($"unexpected output type {other.GetType()}"),
        });
    }

    private static void AssertClose(string what, Tensor actual, Tensor expected)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{what}: shape");
        double scale = Math.Max(1, expected.Data.Max(v => Math.Abs(v)));
        Assert.That(D2Sharp.Tests.Tolerance.MaxAbsDiff(actual.Data, expected.Data), Is.LessThanOrEqualTo(Tolerance * scale), what);
    }

    [TestCaseSource(nameof(Cases))]
    public void OnnxRuntimeRunsTheExportAsD2SharpRunsTheModel(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var model = ModelBuilder.Build(c.LoadResolvedConfig());
        var (weights, _) = WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl"));
        var input = Npy.Read(c.Path("input.npy")).ToTensor();
        var bytes = OnnxExporter.Export(model, weights, input.Shape[0], input.Shape[2], input.Shape[3]);

        using var session = InferenceSession.Create(model, weights, new CpuBackend());
        var d2sharp = session.RunNormalized(input);
        var actual = RunOrt(bytes, input);
        Assert.That(actual.Keys, Is.EquivalentTo(c.Expected.Keys));
        foreach (var (name, array) in c.Expected)
            D2Sharp.Tests.Tolerance.AssertClose($"{caseName}/{name} against Detectron2", actual[name], array.ToTensor(), name.StartsWith("anchors_"));
        if (model.Graph.Nodes.Any(n => n.Op is DeformConv2d)) return;
        foreach (var (name, tensor) in d2sharp.Outputs)
            AssertClose($"{caseName}/{name} against D2Sharp", actual[name], tensor);
    }

    [Test]
    public void TheRpnTopKExportsAsOnnxTopKOverDetectron2sFlattening()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Rpn);
        var (weights, _) = WeightBinder.LoadCheckpoint(model.Graph, c.Path("model.pkl"));
        var input = Npy.Read(c.Path("input.npy")).ToTensor();
        var exportable = OnnxExporter.ExportableOutputs(model);
        Assert.That(model.Graph.Outputs.Select(o => o.Key).Except(exportable), Is.EquivalentTo(new[] { "proposals_boxes", "proposals_logits", "proposals_count" }));
        var actual = RunOrt(OnnxExporter.Export(model, weights, 1, input.Shape[2], input.Shape[3], exportable), input);
        Assert.That(actual.Keys, Is.EquivalentTo(exportable));
        using var session = InferenceSession.Create(model, weights, new CpuBackend());
        var expected = session.RunNormalized(input);
        foreach (var f in new[] { "p2", "p3", "p4", "p5", "p6" })
        {
            AssertClose($"rpn_objectness_{f}", actual[$"rpn_objectness_{f}"], expected[$"rpn_objectness_{f}"]);
            AssertClose($"rpn_topk_logits_{f}", actual[$"rpn_topk_logits_{f}"], expected[$"rpn_topk_logits_{f}"]);
            Assert.That(actual[$"rpn_topk_indices_{f}"].Span<long>().ToArray(), Is.EquivalentTo(expected[$"rpn_topk_indices_{f}"].Span<long>().ToArray()), f);
        }
    }

    [Test]
    public void EachLevelsBatchNormFoldedIntoASharedConvExportsAsItsOwnWeights()
    {
        // RetinaNet's head with NORM BN: one conv module for all levels, each level's statistics folded into it.
        // Normalising by small per-level variances amplifies the two engines' float32 noise in the backbone past
        // 1e-4, so this compares under the fixtures' rule: a level given another's weights is off by thousands.
        var (c, model, weights) = EndToEnd.RetinaNetHeadNormTests.Load("retinanet_head_bn");
        var input = Npy.Read(c.Path("input.npy")).ToTensor();
        var heads = OnnxExporter.ExportableOutputs(model).Where(o => o.StartsWith("retina_cls_logits_") || o.StartsWith("retina_box_deltas_")).ToList();
        Assert.That(heads, Has.Count.EqualTo(10));
        var actual = RunOrt(OnnxExporter.Export(model, weights, 1, input.Shape[2], input.Shape[3], heads), input);
        using var session = InferenceSession.Create(model, weights, new CpuBackend());
        var expected = session.RunNormalized(input);
        foreach (var name in heads)
            D2Sharp.Tests.Tolerance.AssertClose(name, actual[name], expected[name]);
    }

    [Test]
    public void TheProposalsAreAnErrorNamingTheFirstNodeWithoutAnOnnxForm()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var model = ModelBuilder.Build(c.LoadResolvedConfig(), ModelScope.Rpn);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, WeightBinder.Initialize(model.Graph), 1, 64, 64));
        Assert.That(e!.Message, Does.Contain("node 'proposal_generator.decode@p2' (BoxDecode)"));
    }

    [Test]
    public void ATopKWithAThresholdIsAnErrorNamingTheNode()
    {
        var model = ModelBuilder.Build(ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml")));
        var threshold = new TopK { K = 10, ScoreThreshold = 0.5f };
        var values = model.Graph.AddWithOutputs("scores.topk", threshold, [model.Graph.Output("p6")], ["top_values", "top_indices", "top_count"]);
        model.Graph.MarkOutput("top_values", values[0]);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, WeightBinder.Initialize(model.Graph), 1, 64, 64));
        Assert.That(e!.Message, Does.Contain("node 'scores.topk' (TopK)").And.Contain("threshold"));
    }
}
