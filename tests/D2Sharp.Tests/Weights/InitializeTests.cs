using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>The deterministic initialisation that runs a model without a checkpoint (benchmarks, shape checks).</summary>
[TestFixture]
public class InitializeTests
{
    private static (ModelSpec Model, ModelWeights Weights) Tiny()
    {
        var cfg = FixtureCase.Load("det_faster_rcnn_r50_fpn").LoadResolvedConfig();
        var model = ModelBuilder.Build(cfg, ModelScope.Detections);
        return (model, WeightBinder.Initialize(model.Graph));
    }

    private static float[] WeightOf((ModelSpec Model, ModelWeights Weights) m, string node) =>
        m.Weights.TryFor(m.Model.Graph.Nodes.Single(n => n.Name == node))!.Weight;

    private static double Std(float[] values) => Math.Sqrt(values.Select(v => (double)v * v).Average());

    [Test]
    public void TheSameSeedGivesTheSameWeights()
    {
        var first = WeightOf(Tiny(), "backbone.bottom_up.res2.0.conv2");
        var second = WeightOf(Tiny(), "backbone.bottom_up.res2.0.conv2");
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void EachResidualBranchStartsAtZeroSoTheFeaturesKeepTheirScale()
    {
        var m = Tiny();
        Assert.That(WeightOf(m, "backbone.bottom_up.res2.0.conv3"), Has.All.EqualTo(0f), "γ = 0 folded into the branch's last conv");
        Assert.That(WeightOf(m, "backbone.bottom_up.res2.0.conv2"), Has.Some.Not.EqualTo(0f));
    }

    [Test]
    public void TheHeadsStartAsDetectron2InitialisesThem()
    {
        var m = Tiny();
        Assert.That(Std(WeightOf(m, "proposal_generator.rpn_head.anchor_deltas@p2")), Is.EqualTo(0.01).Within(0.003));
        Assert.That(Std(WeightOf(m, "roi_heads.box_predictor.cls_score")), Is.EqualTo(0.01).Within(0.002));
        Assert.That(Std(WeightOf(m, "roi_heads.box_predictor.bbox_pred")), Is.EqualTo(0.001).Within(0.0002));
        var fc1 = WeightOf(m, "roi_heads.box_head.fc1");
        double bound = Math.Sqrt(3.0 / (fc1.Length / m.Model.Graph.Nodes.Single(n => n.Name == "roi_heads.box_head.fc1").Op.Parameters.First().Shape[0]));
        Assert.That(fc1.Max(Math.Abs), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound), "c2_xavier_fill: uniform on ±√(3 / fan_in)");
    }
}
