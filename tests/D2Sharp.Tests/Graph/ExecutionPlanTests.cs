using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Ops;

namespace D2Sharp.Tests.Graph;

[TestFixture]
public class ExecutionPlanTests
{
    private static ModelSpec Tiny(ModelScope scope = ModelScope.Backbone) =>
        ModelBuilder.Build(ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml")), scope);

    [Test]
    public void AnImagePlanStartsWithThePreprocessingAndATensorPlanSkipsIt()
    {
        var model = Tiny();
        var images = model.PlanForImages(1, 64, 96);
        Assert.That(images.Inputs, Is.EqualTo(new[] { model.Pixels, model.ImageSizes }));
        Assert.That(images.Steps[0].Op, Is.TypeOf<NormalizeImage>());
        Assert.That(images.ShapeOf(model.Image), Is.EqualTo(new[] { 1, 3, 64, 96 }));

        var tensor = model.PlanForNormalized(1, 64, 96);
        Assert.That(tensor.Inputs, Is.EqualTo(new[] { model.Image }));
        Assert.That(tensor.Steps.Any(n => n.Op is NormalizeImage), Is.False);
        Assert.That(tensor.Contains(model.Pixels), Is.False);
        Assert.That(tensor.Steps, Has.Count.EqualTo(images.Steps.Count - 1));
    }

    [Test]
    public void AnInputTheOutputsNeedButNobodyFedIsNamed()
    {
        var model = Tiny();
        var e = Assert.Throws<ArgumentException>(() => ExecutionPlan.Create(model.Graph, [(model.ImageSizes, [1, 2])]));
        Assert.That(e!.Message, Does.Contain("graph input 'pixels' is needed").And.Contain("fed: image_sizes"));
    }

    [Test]
    public void AnchorGridsAreComputedOncePerPlanNotPerRun()
    {
        var plan = Tiny().PlanForImages(1, 64, 96);
        Assert.That(plan.ShapeOnlyNodes.Select(n => n.Op), Has.All.TypeOf<AnchorGrid>());
        Assert.That(plan.ShapeOnlyNodes, Has.Count.EqualTo(5));
        Assert.That(plan.Steps.Any(n => n.Op is AnchorGrid), Is.False);
        Assert.That(plan.ShapeOnlyNodes.SelectMany(n => n.Outputs), Has.All.Matches<Value>(plan.IsPlanConstant));
        Assert.That(plan.ShapeOf(plan.Graph.Output("anchors_p3")), Is.EqualTo(new[] { 8 * 12 * 3, 4 }));
    }

    [Test]
    public void InputsAndOutputsLiveForTheWholeRunAndIntermediatesUntilTheirLastReader()
    {
        var model = Tiny();
        var plan = model.PlanForImages(1, 64, 96);
        int end = plan.Steps.Count;
        Assert.That(plan.LifetimeOf(model.Pixels), Is.EqualTo((0, end)));
        Assert.That(plan.LifetimeOf(model.Graph.Output("p2")).Last, Is.EqualTo(end));
        var stemConv = plan.Steps.Single(n => n.Name == "backbone.bottom_up.stem.conv1");
        var pool = plan.Steps.Single(n => n.Name == "backbone.bottom_up.stem.max_pool");
        Assert.That(plan.LifetimeOf(stemConv.Output), Is.EqualTo((plan.Steps.ToList().IndexOf(stemConv), plan.Steps.ToList().IndexOf(pool))));
    }

    [Test]
    public void AShapeThatDoesNotFitNamesTheNodeAndItsInputs()
    {
        var model = Tiny();
        var e = Assert.Throws<ShapeException>(() => model.PlanForNormalized(1, 64, 80));
        Assert.That(e!.Message, Does.Contain("node 'backbone.top_down").And.Contain("is not twice top"));
    }

    [Test]
    public void TopKOutputsAreTypedAndCountedByTheirCountOutput()
    {
        var model = Tiny(ModelScope.Rpn);
        var node = model.Graph.Nodes.Single(n => n.Name == "proposal_generator.topk@p4");
        Assert.That(node.Outputs.Select(v => v.Type), Is.EqualTo(new[] { DataType.Float32, DataType.Int64, DataType.Int32 }));
        Assert.That(node.Outputs[0].ValidCount, Is.SameAs(node.Outputs[2]));
        Assert.That(node.Outputs[1].ValidCount, Is.SameAs(node.Outputs[2]));
        var plan = model.PlanForImages(2, 64, 96);
        Assert.That(plan.ShapeOf(node.Outputs[1]), Is.EqualTo(new[] { 2, 4 * 6 * 3 }), "k = min(PRE_NMS_TOPK_TEST, H·W·A)");
        Assert.That(plan.ShapeOf(node.Outputs[2]), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void TheProposalsAreBoundedByPostNmsTopKAndClippedToTheFedImageSizes()
    {
        var model = Tiny(ModelScope.Rpn);
        var proposals = model.Graph.Nodes.Single(n => n.Op is RpnProposals);
        Assert.That(proposals.Inputs[^1], Is.SameAs(model.ImageSizes));
        Assert.That(model.Graph.Output("proposals_boxes").ValidCount, Is.SameAs(model.Graph.Output("proposals_count")));
        var plan = model.PlanForImages(2, 64, 96);
        // Σ k over p2…p6 at 64×96 = 3·(16·24 + 8·12 + 4·6 + 2·3 + 1·2) = 1536, above POST_NMS_TOPK_TEST = 1000.
        Assert.That(plan.ShapeOf(model.Graph.Output("proposals_boxes")), Is.EqualTo(new[] { 2, 1000, 4 }));

        var tensor = model.PlanForNormalized(2, 64, 96);
        Assert.That(tensor.Inputs, Is.EqualTo(new[] { model.Image, model.ImageSizes }), "the tensor path feeds the sizes the RPN clips to");
    }

    [Test]
    public void APlanForSomeOutputsRunsOnlyTheNodesTheyNeed()
    {
        var model = Tiny(ModelScope.Rpn);
        var plan = model.PlanForNormalized(1, 64, 96, ["p3", "rpn_topk_logits_p3"]);
        Assert.That(plan.Outputs.Select(o => o.Key), Is.EqualTo(new[] { "p3", "rpn_topk_logits_p3" }));
        Assert.That(plan.Steps.Any(n => n.Op is RpnProposals or BoxDecode), Is.False);
        Assert.That(plan.Steps.Any(n => n.Name == "proposal_generator.topk@p2"), Is.False);
        Assert.That(plan.Contains(model.Graph.Output("p2")), Is.False, "P3 needs P4 and res3, not P2");
        Assert.That(plan.Steps.Any(n => n.Name == "backbone.fpn_output2"), Is.False);

        var e = Assert.Throws<KeyNotFoundException>(() => model.PlanForNormalized(1, 64, 96, ["p9"]));
        Assert.That(e!.Message, Does.Contain("no output 'p9'").And.Contain("proposals_boxes"));
    }

    [Test]
    public void TheRpnHeadIsOneModuleAppliedToEveryLevel()
    {
        var model = Tiny(ModelScope.Rpn);
        var convs = model.Graph.Nodes.Where(n => n.Module == "proposal_generator.rpn_head.conv").ToList();
        Assert.That(convs.Select(n => n.Name), Is.EqualTo(new[] { "p2", "p3", "p4", "p5", "p6" }.Select(f => $"proposal_generator.rpn_head.conv@{f}")));
        Assert.That(model.Graph.Parameters.Count(p => p.Name.StartsWith("proposal_generator.")), Is.EqualTo(6), "conv, objectness_logits, anchor_deltas: weight and bias once each");
    }

    [TestCase("MODEL.RPN.POST_NMS_TOPK_TEST", "0", "MODEL.RPN.POST_NMS_TOPK_TEST = 0 must be positive")]
    [TestCase("MODEL.RPN.BBOX_REG_WEIGHTS", "[1.0, 1.0, 1.0]", "MODEL.RPN.BBOX_REG_WEIGHTS must hold 4 weights")]
    [TestCase("MODEL.RPN.BBOX_REG_WEIGHTS", "[1.0, 0.0, 1.0, 1.0]", "every weight must be positive")]
    public void RpnSettingsThatCannotWorkAreRejectedNamingTheKey(string key, string value, string message)
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"), [key, value]);
        var e = Assert.Throws<ModelBuildException>(() => ModelBuilder.Build(cfg, ModelScope.Rpn));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void TheRpnScopeNeedsAModelWithAnRpn()
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"), ["MODEL.META_ARCHITECTURE", "RetinaNet"]);
        var e = Assert.Throws<ModelBuildException>(() => ModelBuilder.Build(cfg, ModelScope.Rpn));
        Assert.That(e!.Message, Does.Contain("scope 'rpn' needs a meta-architecture with an RPN").And.Contain("RetinaNet"));
    }

    [Test]
    public void NodesCheckTheirInputTypes()
    {
        var graph = new ModelGraph();
        var floats = graph.AddInput("x", DataType.Float32);
        var e = Assert.Throws<ArgumentException>(() => graph.Add("n", new NormalizeImage { Mean = [0], Std = [1] }, [floats, floats]));
        Assert.That(e!.Message, Does.Contain("input 0 must be uint8, 'x' is float32"));
    }
}
