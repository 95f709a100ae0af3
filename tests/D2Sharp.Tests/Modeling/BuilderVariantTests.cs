using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Ops;

namespace D2Sharp.Tests.Modeling;

/// <summary>Builder options beyond the fixtures, checked against Detectron2's construction rules.</summary>
[TestFixture]
public class BuilderVariantTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    private static ModelSpec Build(params string[] opts) => ModelBuilder.Build(ConfigLoader.Load(TinyConfig, opts));

    private static Dictionary<string, int[]> Params(ModelSpec m) => m.Graph.Parameters.ToDictionary(p => p.Name, p => p.Shape);

    [Test]
    public void ResNet18UsesBasicBlocksWithProjectionOnlyWhereChannelsChange()
    {
        var m = Build("MODEL.RESNETS.DEPTH", "18", "MODEL.RESNETS.RES2_OUT_CHANNELS", "64", "MODEL.RESNETS.STEM_OUT_CHANNELS", "64");
        var p = Params(m);
        Assert.That(p["backbone.bottom_up.res2.0.conv1.weight"], Is.EqualTo(new[] { 64, 64, 3, 3 }));
        Assert.That(p.Keys, Has.None.StartsWith("backbone.bottom_up.res2.0.shortcut"));
        Assert.That(p["backbone.bottom_up.res3.0.shortcut.weight"], Is.EqualTo(new[] { 128, 64, 1, 1 }));
        Assert.That(p.Keys, Has.None.Contains("conv3"));
        Assert.That(p.Keys.Count(k => k.EndsWith(".conv1.weight") && k.Contains(".res")), Is.EqualTo(8));
    }

    [Test]
    public void StrideInOneByOneMovesTheStride()
    {
        Conv2d ConvOf(ModelSpec m, string name) => (Conv2d)m.Graph.Nodes.Single(n => n.Name == name).Op;
        var msra = Build("MODEL.RESNETS.STRIDE_IN_1X1", "True");
        var torch = Build("MODEL.RESNETS.STRIDE_IN_1X1", "False");
        Assert.That(ConvOf(msra, "backbone.bottom_up.res3.0.conv1").Stride, Is.EqualTo(2));
        Assert.That(ConvOf(msra, "backbone.bottom_up.res3.0.conv2").Stride, Is.EqualTo(1));
        Assert.That(ConvOf(torch, "backbone.bottom_up.res3.0.conv1").Stride, Is.EqualTo(1));
        Assert.That(ConvOf(torch, "backbone.bottom_up.res3.0.conv2").Stride, Is.EqualTo(2));
    }

    [Test]
    public void Res5DilationKeepsStride16AndDilatesConv2()
    {
        var m = Build("MODEL.BACKBONE.NAME", "build_resnet_backbone", "MODEL.RESNETS.RES5_DILATION", "2",
            "MODEL.RESNETS.OUT_FEATURES", "['res5']", "MODEL.RPN.IN_FEATURES", "['res5']", "MODEL.ANCHOR_GENERATOR.SIZES", "[[32, 64]]");
        Assert.That(m.SizeDivisibility, Is.EqualTo(0), "plain ResNet backbones do not pad");
        var res5 = m.Graph.Nodes.Single(n => n.Name == "backbone.res5.0.conv2");
        var conv = (Conv2d)res5.Op;
        Assert.That((conv.Dilation, conv.Padding, conv.Stride), Is.EqualTo((2, 2, 1)));
        Assert.That(res5.Output.Spec.Stride, Is.EqualTo(16));
    }

    [Test]
    public void RetinaNetTopBlockReadsRes5AndReluBeforeP7()
    {
        var m = Build("MODEL.BACKBONE.NAME", "build_retinanet_resnet_fpn_backbone", "MODEL.META_ARCHITECTURE", "RetinaNet",
            "MODEL.RESNETS.OUT_FEATURES", "['res3', 'res4', 'res5']", "MODEL.FPN.IN_FEATURES", "['res3', 'res4', 'res5']");
        Assert.That(m.FeatureNames, Is.EqualTo(new[] { "p3", "p4", "p5", "p6", "p7" }));
        var p6 = m.Graph.Nodes.Single(n => n.Name == "backbone.top_block.p6");
        Assert.That(p6.Inputs[0].Name, Does.EndWith("res5.2.conv3"));
        var p7 = m.Graph.Nodes.Single(n => n.Name == "backbone.top_block.p7");
        Assert.That(p7.Inputs[0].Producer!.Op, Is.InstanceOf<Relu>());
        Assert.That(Params(m)["backbone.top_block.p6.weight"], Is.EqualTo(new[] { 32, 256, 3, 3 }));
        Assert.That(m.AnchorNames, Is.EqualTo(new[] { "anchors_p3", "anchors_p4", "anchors_p5", "anchors_p6", "anchors_p7" }));
        Assert.That(m.SizeDivisibility, Is.EqualTo(32));
    }

    [Test]
    public void CaffeStyleFlippedRatiosExpandPerLevel()
    {
        var m = ModelBuilder.Build(ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn_caffe_anchors.yaml")));
        var grids = m.Graph.Nodes.Where(n => n.Op is AnchorGrid).Select(n => (AnchorGrid)n.Op).ToArray();
        Assert.That(grids.Select(g => g.NumCellAnchors), Is.EqualTo(new[] { 3, 5, 5, 3, 3 }));
        Assert.That(DefaultAnchorGenerator.CaffeStyleRatios([2.0, 3.0]), Is.EqualTo(new[] { 1.0, 2.0, 3.0, 0.5, 1.0 / 3.0 }).Within(1e-12));
        var upsample = m.Graph.Nodes.Where(n => n.Op is UpsampleAdd).Select(n => ((UpsampleAdd)n.Op).Mode);
        Assert.That(upsample, Has.All.EqualTo(UpsampleMode.Bilinear));
    }

    [Test]
    public void FlipIsOffByDefaultSoDetectron2RatiosAreUsedAsGiven()
    {
        var m = Build();
        var grids = m.Graph.Nodes.Where(n => n.Op is AnchorGrid).Select(n => (AnchorGrid)n.Op);
        Assert.That(grids.Select(g => g.NumCellAnchors), Has.All.EqualTo(3));
        Assert.That(m.Graph.Nodes.Where(n => n.Op is UpsampleAdd).Select(n => ((UpsampleAdd)n.Op).Mode), Has.All.EqualTo(UpsampleMode.Nearest));
    }

    [Test]
    public void FlatSizeListIsBroadcastToEveryLevelAsDetectron2Does()
    {
        var m = Build("MODEL.ANCHOR_GENERATOR.SIZES", "[32, 64]");
        var grids = m.Graph.Nodes.Where(n => n.Op is AnchorGrid).Select(n => (AnchorGrid)n.Op).ToArray();
        Assert.That(grids, Has.Length.EqualTo(5));
        Assert.That(grids.Select(g => g.NumCellAnchors), Has.All.EqualTo(6));
        Assert.That(grids[4].CellAnchors, Is.EqualTo(grids[0].CellAnchors));
    }

    [Test]
    public void GroupNormBecomesItsOwnNodeAndJoinsTheResidualAfterIt()
    {
        var m = Build("MODEL.RESNETS.NORM", "GN", "MODEL.RESNETS.STEM_OUT_CHANNELS", "32", "MODEL.RESNETS.WIDTH_PER_GROUP", "32",
            "MODEL.FPN.NORM", "GN");
        var g = m.Graph;
        var conv3 = g.Nodes.Single(n => n.Name == "backbone.bottom_up.res2.0.conv3");
        Assert.That(((Conv2d)conv3.Op).HasResidual, Is.False);
        var add = g.Nodes.Single(n => n.Name == "backbone.bottom_up.res2.0.conv3.add_residual");
        Assert.That(((Add)add.Op).Activation, Is.EqualTo(Activation.Relu));
        Assert.That(Params(m)["backbone.bottom_up.res2.0.conv3.norm.weight"], Is.EqualTo(new[] { 32 }));
        Assert.That(Params(m).Keys, Has.None.EqualTo("backbone.fpn_lateral2.bias"), "FPN convs lose their bias under a norm");
    }

    [Test]
    public void UserRegisteredBackboneIsBuiltByName()
    {
        const string name = "test_single_conv_backbone";
        if (!D2Sharp.Registry.Registries.Backbones.Contains(name))
            D2Sharp.Registry.Registries.Backbones.Register(name, (cfg, input) =>
            {
                var op = new Conv2d { InChannels = 3, OutChannels = 8, KernelH = 3, KernelW = 3, Stride = 4, Padding = 1, HasBias = true };
                var y = input.Graph.Add($"{input.Prefix}.conv", op, [input.Image], new ShapeSpec(8, 4));
                return new Backbone([new("c4", y)], sizeDivisibility: 4);
            });
        var m = Build("MODEL.BACKBONE.NAME", name, "MODEL.RPN.IN_FEATURES", "['c4']", "MODEL.ANCHOR_GENERATOR.SIZES", "[[32]]");
        Assert.That(m.FeatureNames, Is.EqualTo(new[] { "c4" }));
        Assert.That(m.AnchorNames, Is.EqualTo(new[] { "anchors_c4" }));
        Assert.That(m.Graph.Parameters.Select(p => p.Name), Is.EqualTo(new[] { "backbone.conv.weight", "backbone.conv.bias" }));
    }
}
