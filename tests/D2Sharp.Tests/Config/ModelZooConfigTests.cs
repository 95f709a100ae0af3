using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>Every Detectron2 model-zoo YAML loads, and selected values match what Detectron2 resolves.</summary>
[TestFixture]
public class ModelZooConfigTests
{
    private static IEnumerable<string> ZooFiles() =>
        Directory.EnumerateFiles(TestPaths.Detectron2Configs, "*.yaml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(TestPaths.Detectron2Configs, path))
            .Order(StringComparer.Ordinal);

    /// <summary>One case per model-zoo file; a single ignored case when the shared configs are absent.</summary>
    private static IEnumerable<TestCaseData> ZooCases() =>
        TestPaths.Shared is null
            ? [new TestCaseData("(none)").Ignore("../shared/detectron2-configs is not present beside the checkout")]
            : ZooFiles().Select(file => new TestCaseData(file));

    private static CfgNode Zoo(string relativePath, params string[] opts) =>
        ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, relativePath), opts);

    /// <summary>Also strictly (no key written twice) and inside the zoo's folder, as a service would load them.</summary>
    [TestCaseSource(nameof(ZooCases))]
    public void ModelZooConfigLoads(string relativePath)
    {
        CfgNode cfg = ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, relativePath), null,
            new ConfigLoadOptions { Strict = true, AllowedRoot = TestPaths.Detectron2Configs });

        Assert.That(cfg.GetInt("VERSION"), Is.EqualTo(2));
        Assert.That(cfg.ContentEquals(ConfigDefaults.Create()), Is.False, "a model-zoo file changes some default");
    }

    [Test]
    public void ResNeXt101Fpn()
    {
        CfgNode cfg = Zoo("COCO-Detection/faster_rcnn_X_101_32x8d_FPN_3x.yaml");

        Assert.That(cfg.GetInt("MODEL.RESNETS.NUM_GROUPS"), Is.EqualTo(32));
        Assert.That(cfg.GetInt("MODEL.RESNETS.WIDTH_PER_GROUP"), Is.EqualTo(8));
        Assert.That(cfg.GetBool("MODEL.RESNETS.STRIDE_IN_1X1"), Is.False);
        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(101));
        Assert.That(cfg.GetDoubleList("MODEL.PIXEL_STD"), Is.EqualTo(new[] { 57.375, 57.120, 58.395 }));
        Assert.That(cfg.GetString("MODEL.WEIGHTS"), Is.EqualTo("detectron2://ImageNetPretrained/FAIR/X-101-32x8d.pkl"));
        Assert.That(cfg.GetString("MODEL.BACKBONE.NAME"), Is.EqualTo("build_resnet_fpn_backbone"));
        Assert.That(cfg.GetStringList("MODEL.RESNETS.OUT_FEATURES"), Is.EqualTo(new[] { "res2", "res3", "res4", "res5" }));
        Assert.That(cfg.GetIntList("SOLVER.STEPS"), Is.EqualTo(new[] { 210000, 250000 }));
        Assert.That(cfg.GetIntList("INPUT.MIN_SIZE_TRAIN"), Is.EqualTo(new[] { 640, 672, 704, 736, 768, 800 }));
        Assert.That(cfg.GetStringList("DATASETS.TRAIN"), Is.EqualTo(new[] { "coco_2017_train" }));
    }

    [Test]
    public void RetinaNetAnchorSizesComeFromTheEvalTag()
    {
        CfgNode cfg = Zoo("COCO-Detection/retinanet_R_50_FPN_1x.yaml");

        IReadOnlyList<IReadOnlyList<double>> sizes = cfg.GetDoubleLists("MODEL.ANCHOR_GENERATOR.SIZES");
        Assert.That(sizes, Has.Count.EqualTo(5));
        for (int level = 0; level < 5; level++)
        {
            double x = 32 << level;
            Assert.That(sizes[level], Is.EqualTo(new[] { x, x * Math.Pow(2, 1.0 / 3), x * Math.Pow(2, 2.0 / 3) }));
        }
        var raw = (List<object?>)cfg.GetValue("MODEL.ANCHOR_GENERATOR.SIZES")!;
        Assert.That(((List<object?>)raw[0]!)[0], Is.EqualTo(32L), "x stays a Python int");
        Assert.That(((List<object?>)raw[0]!)[1], Is.EqualTo(40.31747359663594));
        Assert.That(cfg.GetDoubleLists("MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS"), Is.EqualTo(new[] { new[] { 0.5, 1.0, 2.0 } }));
        Assert.That(cfg.GetString("MODEL.META_ARCHITECTURE"), Is.EqualTo("RetinaNet"));
        Assert.That(cfg.GetDouble("MODEL.RETINANET.SMOOTH_L1_LOSS_BETA"), Is.EqualTo(0.0));
    }

    [Test]
    public void C4Config()
    {
        CfgNode cfg = Zoo("COCO-Detection/faster_rcnn_R_50_C4_1x.yaml");

        Assert.That(cfg.GetString("MODEL.BACKBONE.NAME"), Is.EqualTo("build_resnet_backbone"));
        Assert.That(cfg.GetStringList("MODEL.RESNETS.OUT_FEATURES"), Is.EqualTo(new[] { "res4" }));
        Assert.That(cfg.GetStringList("MODEL.RPN.IN_FEATURES"), Is.EqualTo(new[] { "res4" }));
        Assert.That(cfg.GetString("MODEL.ROI_HEADS.NAME"), Is.EqualTo("Res5ROIHeads"));
        Assert.That(cfg.GetIntList("SOLVER.STEPS"), Is.EqualTo(new[] { 60000, 80000 }));
        Assert.That(cfg.GetInt("SOLVER.MAX_ITER"), Is.EqualTo(90000));
    }

    [Test]
    public void DeformableConfig()
    {
        CfgNode cfg = Zoo("Misc/mask_rcnn_R_50_FPN_3x_dconv_c3-c5.yaml");

        Assert.That(cfg.GetBoolList("MODEL.RESNETS.DEFORM_ON_PER_STAGE"), Is.EqualTo(new[] { false, true, true, true }));
        Assert.That(cfg.GetBool("MODEL.RESNETS.DEFORM_MODULATED"), Is.False);
        Assert.That(cfg.GetBool("MODEL.MASK_ON"), Is.True);
    }

    [Test]
    public void GroupNormConfig()
    {
        CfgNode cfg = Zoo("Misc/mask_rcnn_R_50_FPN_3x_gn.yaml");

        Assert.That(cfg.GetString("MODEL.RESNETS.NORM"), Is.EqualTo("GN"));
        Assert.That(cfg.GetString("MODEL.FPN.NORM"), Is.EqualTo("GN"));
        Assert.That(cfg.GetString("MODEL.ROI_BOX_HEAD.NORM"), Is.EqualTo("GN"));
        Assert.That(cfg.GetBool("MODEL.RESNETS.STRIDE_IN_1X1"), Is.False);
        Assert.That(cfg.GetInt("MODEL.ROI_BOX_HEAD.NUM_CONV"), Is.EqualTo(4));
        Assert.That(cfg.GetDoubleList("MODEL.PIXEL_STD"), Is.EqualTo(new[] { 1.0, 1.0, 1.0 }), "the default: the file does not set it");
        Assert.That(cfg.GetString("MODEL.WEIGHTS"), Is.EqualTo("catalog://ImageNetPretrained/FAIR/R-50-GN"));
    }

    [Test]
    public void OptsOverrideTheFile()
    {
        CfgNode cfg = Zoo("COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml",
            "MODEL.RESNETS.DEPTH", "101",
            "MODEL.RESNETS.DEFORM_ON_PER_STAGE", "[False,True,True,True]",
            "MODEL.ANCHOR_GENERATOR.OFFSET", "0.5",
            "MODEL.DEVICE", "cpu",
            "DATASETS.TEST", "('a', 'b')");

        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(101));
        Assert.That(cfg.GetBoolList("MODEL.RESNETS.DEFORM_ON_PER_STAGE"), Is.EqualTo(new[] { false, true, true, true }));
        Assert.That(cfg.GetDouble("MODEL.ANCHOR_GENERATOR.OFFSET"), Is.EqualTo(0.5));
        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cpu"));
        Assert.That(cfg.GetStringList("DATASETS.TEST"), Is.EqualTo(new[] { "a", "b" }));
    }
}
