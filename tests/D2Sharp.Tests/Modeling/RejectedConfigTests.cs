using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Registry;

namespace D2Sharp.Tests.Modeling;

/// <summary>Configs Detectron2 rejects are rejected here too, with Detectron2's reason.</summary>
[TestFixture]
public class RejectedConfigTests
{
    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    private static Exception BuildFails(params string[] opts) =>
        Assert.Catch<D2SharpException>(() => ModelBuilder.Build(ConfigLoader.Load(TinyConfig, opts)))!;

    [TestCase(new[] { "MODEL.RESNETS.DEPTH", "18" }, "Must set MODEL.RESNETS.RES2_OUT_CHANNELS = 64 for R18/R34")]
    [TestCase(new[] { "MODEL.RESNETS.DEPTH", "34", "MODEL.RESNETS.RES2_OUT_CHANNELS", "64", "MODEL.RESNETS.NUM_GROUPS", "2" }, "Must set MODEL.RESNETS.NUM_GROUPS = 1 for R18/R34")]
    [TestCase(new[] { "MODEL.RESNETS.DEPTH", "42" }, "MODEL.RESNETS.DEPTH = 42")]
    [TestCase(new[] { "MODEL.RESNETS.RES5_DILATION", "3" }, "res5_dilation cannot be 3")]
    [TestCase(new[] { "MODEL.RESNETS.OUT_FEATURES", "['res2', 'res6']" }, "contains 'res6'. Available children: stem, res2")]
    [TestCase(new[] { "MODEL.FPN.IN_FEATURES", "['res2', 'res4', 'res5']" }, "not log2 contiguous")]
    [TestCase(new[] { "MODEL.FPN.FUSE_TYPE", "max" }, "fuse_type must be one of")]
    [TestCase(new[] { "MODEL.FPN.UPSAMPLE_MODE", "bicubic" }, "MODEL.FPN.UPSAMPLE_MODE = \"bicubic\"")]
    [TestCase(new[] { "MODEL.RESNETS.NORM", "XN" }, "MODEL.RESNETS.NORM = \"XN\"")]
    [TestCase(new[] { "MODEL.RESNETS.NORM", "GN" }, "divisible by 32")]
    [TestCase(new[] { "MODEL.RESNETS.DEFORM_ON_PER_STAGE", "[True, False]" }, "must have 4 entries")]
    [TestCase(new[] { "MODEL.ANCHOR_GENERATOR.SIZES", "[[32], [64]]" }, "Got sizes of length 2 in anchor generator, but the number of input features is 5!")]
    [TestCase(new[] { "MODEL.ANCHOR_GENERATOR.OFFSET", "1.0" }, "has to be in [0, 1)")]
    [TestCase(new[] { "MODEL.RPN.IN_FEATURES", "['p2', 'p9']" }, "MODEL.RPN.IN_FEATURES names 'p9'")]
    [TestCase(new[] { "MODEL.FPN.IN_FEATURES", "['res2', 'res3', 'res4']" }, "LastLevelMaxPool reads 'p5'")]
    [TestCase(new[] { "MODEL.BACKBONE.NAME", "build_retinanet_resnet_fpn_backbone", "MODEL.RESNETS.OUT_FEATURES", "['res2', 'res3', 'res4']", "MODEL.FPN.IN_FEATURES", "['res2', 'res3', 'res4']" }, "P6/P7 from 'res5'")]
    public void Detectron2RejectsAndSoDoWe(string[] opts, string reason)
    {
        var e = BuildFails(opts);
        Assert.That(e, Is.InstanceOf<ModelBuildException>());
        Assert.That(e.Message, Does.Contain(reason));
    }

    /// <summary>RetinaNet's head with no tower conv: Detectron2 fails on <c>conv_dims[-1]</c> of an empty list; D2Sharp says why.</summary>
    [Test]
    public void ARetinaNetHeadWithoutConvsIsRejected()
    {
        var c = FixtureCase.Load("det_retinanet_r50");
        var cfg = ConfigLoader.Load(c.Path("config_resolved.yaml"), ["MODEL.RETINANET.NUM_CONVS", "0"]);
        var e = Assert.Throws<ModelBuildException>(() => ModelBuilder.Build(cfg, ModelScope.Detections));
        Assert.That(e!.Message, Does.Contain("MODEL.RETINANET.NUM_CONVS = 0").And.Contain("conv_dims[-1]"));
    }

    [Test]
    public void UnknownBackboneListsTheRegisteredOnes()
    {
        var e = BuildFails("MODEL.BACKBONE.NAME", "build_vit_backbone");
        Assert.That(e, Is.InstanceOf<RegistryException>());
        Assert.That(e.Message, Does.Contain("No object named 'build_vit_backbone' found in 'BACKBONE' registry!"));
        Assert.That(e.Message, Does.Contain("build_resnet_backbone, build_resnet_fpn_backbone, build_retinanet_resnet_fpn_backbone"));
    }

    [Test]
    public void UnknownAnchorGeneratorListsTheRegisteredOnes()
    {
        var e = BuildFails("MODEL.ANCHOR_GENERATOR.NAME", "RotatedAnchorGenerator");
        Assert.That(e, Is.InstanceOf<RegistryException>());
        Assert.That(e.Message, Does.Contain("DefaultAnchorGenerator"));
    }

    [Test]
    public void RegisteringANameTwiceIsAnError()
    {
        var e = Assert.Throws<RegistryException>(() =>
            Registries.Backbones.Register("build_resnet_backbone", ResNetBuilder.BuildResNetBackbone));
        Assert.That(e!.Message, Does.Contain("already registered"));
    }
}
