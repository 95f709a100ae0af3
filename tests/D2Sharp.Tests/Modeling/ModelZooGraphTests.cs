using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Modeling;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Modeling;

/// <summary>Graphs built from Detectron2's own configs: every model-zoo YAML, and the fixtures' exact parameter names.</summary>
[TestFixture]
public class ModelZooGraphTests
{
    private static IEnumerable<string> ZooConfigs()
    {
        var dir = TestPaths.Shared is { } s ? Path.Combine(s, "detectron2-configs") : null;
        if (dir == null || !Directory.Exists(dir))
        {
            yield return "(../shared/detectron2-configs missing)"; // the test then ignores itself with the reason
            yield break;
        }
        foreach (var f in Directory.GetFiles(dir, "*.yaml", SearchOption.AllDirectories).Order())
            yield return Path.GetRelativePath(dir, f);
    }

    [TestCaseSource(nameof(ZooConfigs))]
    public void EveryModelZooConfigBuildsAGraphWithConsistentShapes(string relative)
    {
        var zoo = TestPaths.Detectron2Configs;
        var cfg = ConfigLoader.Load(Path.Combine(zoo, relative));
        var model = ModelBuilder.Build(cfg);
        int div = Math.Max(model.SizeDivisibility, 32);
        var plan = model.PlanForImages(1, 2 * div, 3 * div);

        var backbone = cfg.GetString("MODEL.BACKBONE.NAME");
        var expectedFeatures = backbone switch
        {
            "build_resnet_backbone" => cfg.GetStringList("MODEL.RESNETS.OUT_FEATURES").ToArray(),
            "build_retinanet_resnet_fpn_backbone" => ["p3", "p4", "p5", "p6", "p7"],
            _ => ["p2", "p3", "p4", "p5", "p6"],
        };
        Assert.That(model.FeatureNames, Is.EqualTo(expectedFeatures));
        foreach (var name in model.FeatureNames)
        {
            var v = model.Graph.Output(name);
            var shape = plan.ShapeOf(v);
            Assert.That(shape[1], Is.EqualTo(v.Spec.Channels), $"{name} channels");
            Assert.That(shape[2], Is.EqualTo((2 * div + v.Spec.Stride - 1) / v.Spec.Stride), $"{name} height at stride {v.Spec.Stride}");
        }
        Assert.That(model.Graph.Parameters.Select(p => p.Name), Is.Unique);
        Assert.That(model.Graph.Parameters.Select(p => p.Name), Has.All.StartsWith("backbone."));
        if (ModelBuilder.AnchorFeaturesKey(cfg) is { } key)
            Assert.That(model.AnchorNames, Is.EqualTo(cfg.GetStringList(key).Select(f => "anchors_" + f)));
        else
            Assert.That(model.AnchorNames, Is.Empty);
        if (ModelBuilder.AnchorFeaturesKey(cfg) == "MODEL.RPN.IN_FEATURES")
        {
            var rpn = ModelBuilder.Build(cfg, ModelScope.Rpn);
            var rpnPlan = rpn.PlanForImages(1, 2 * div, 3 * div);
            foreach (var f in cfg.GetStringList("MODEL.RPN.IN_FEATURES"))
            {
                var logits = rpnPlan.ShapeOf(rpn.Graph.Output($"rpn_objectness_{f}"));
                int anchorsPerCell = rpnPlan.ShapeOf(rpn.Graph.Output($"anchors_{f}"))[0] / (logits[2] * logits[3]);
                Assert.That(logits[1], Is.EqualTo(anchorsPerCell), $"rpn_objectness_{f}: one logit per anchor");
                Assert.That(rpnPlan.ShapeOf(rpn.Graph.Output($"rpn_topk_indices_{f}")),
                    Is.EqualTo(new[] { 1, Math.Min(cfg.GetInt("MODEL.RPN.PRE_NMS_TOPK_TEST"), logits[1] * logits[2] * logits[3]) }));
            }
            Assert.That(rpn.Graph.Parameters.Select(p => p.Name).Where(n => !n.StartsWith("backbone.")),
                Has.All.StartsWith("proposal_generator.rpn_head."));
        }
        if (cfg.GetString("MODEL.META_ARCHITECTURE") == "RetinaNet")
        {
            var retina = ModelBuilder.Build(cfg, ModelScope.Detections);
            var retinaPlan = retina.PlanForImages(1, 2 * div, 3 * div);
            Assert.That(retinaPlan.ShapeOf(retina.Graph.Output("det_boxes")), Is.EqualTo(new[] { 1, cfg.GetInt("TEST.DETECTIONS_PER_IMAGE"), 4 }));
            Assert.That(retina.Graph.Parameters.Select(p => p.Name).Where(n => !n.StartsWith("backbone.")), Has.All.StartsWith("head."));
        }
        else if (cfg.GetString("MODEL.META_ARCHITECTURE") == "ProposalNetwork")
        {
            var proposals = ModelBuilder.Build(cfg, ModelScope.Detections);
            var proposalPlan = proposals.PlanForImages(1, 2 * div, 3 * div);
            Assert.That(proposalPlan.ShapeOf(proposals.Graph.Output("proposals_boxes"))[2], Is.EqualTo(4));
            Assert.That(proposals.Graph.Outputs.Select(o => o.Key), Has.None.StartsWith("det_"), "a ProposalNetwork's detections are its proposals");
        }
        else if (cfg.GetString("MODEL.META_ARCHITECTURE") == "GeneralizedRCNN" && cfg.GetString("MODEL.PROPOSAL_GENERATOR.NAME") == "PrecomputedProposals")
        {
            var e = Assert.Throws<ModelBuildException>(() => ModelBuilder.Build(cfg, ModelScope.Detections));
            Assert.That(e!.Message, Does.Contain("PrecomputedProposals").And.Contain("from a file"));
        }
        else if (cfg.GetString("MODEL.META_ARCHITECTURE") == "GeneralizedRCNN" && cfg.GetString("MODEL.ROI_HEADS.NAME") is "StandardROIHeads" or "Res5ROIHeads" or "CascadeROIHeads")
        {
            var detections = ModelBuilder.Build(cfg, ModelScope.Detections);
            var detectionPlan = detections.PlanForImages(1, 2 * div, 3 * div);
            int perImage = cfg.GetInt("TEST.DETECTIONS_PER_IMAGE"), classes = cfg.GetInt("MODEL.ROI_HEADS.NUM_CLASSES");
            Assert.That(detectionPlan.ShapeOf(detections.Graph.Output("det_boxes")), Is.EqualTo(new[] { 1, perImage, 4 }));
            string logits = cfg.GetString("MODEL.ROI_HEADS.NAME") == "CascadeROIHeads" ? "box_cls_logits_stage0" : "box_cls_logits";
            Assert.That(detectionPlan.ShapeOf(detections.Graph.Output(logits))[1], Is.EqualTo(classes + 1));
            if (cfg.GetBool("MODEL.MASK_ON"))
            {
                // Res5ROIHeads pools the masks with the box pooler; res5 halves it, the deconv doubles it.
                int masks = cfg.GetString("MODEL.ROI_HEADS.NAME") == "Res5ROIHeads"
                    ? cfg.GetInt("MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION")
                    : 2 * cfg.GetInt("MODEL.ROI_MASK_HEAD.POOLER_RESOLUTION");
                Assert.That(detectionPlan.ShapeOf(detections.Graph.Output("mask_probs")), Is.EqualTo(new[] { 1, perImage, masks, masks }));
            }
            Assert.That(detections.Graph.Parameters.Select(p => p.Name).Where(n => n.StartsWith("roi_heads.")),
                Has.All.StartsWith("roi_heads.box_head.").Or.StartsWith("roi_heads.box_predictor.").Or.StartsWith("roi_heads.res5.").Or.StartsWith("roi_heads.mask_head.").Or.StartsWith("roi_heads.keypoint_head."));
            if (cfg.GetBool("MODEL.KEYPOINT_ON"))
            {
                int maps = 4 * cfg.GetInt("MODEL.ROI_KEYPOINT_HEAD.POOLER_RESOLUTION");
                Assert.That(detectionPlan.ShapeOf(detections.Graph.Output("keypoint_heatmaps")),
                    Is.EqualTo(new[] { perImage, cfg.GetInt("MODEL.ROI_KEYPOINT_HEAD.NUM_KEYPOINTS"), maps, maps }));
            }
        }
    }

    [TestCase("COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml", 6, 1, 64, 256)]
    [TestCase("COCO-Detection/faster_rcnn_X_101_32x8d_FPN_3x.yaml", 23, 32, 256, 256)]
    [TestCase("Misc/cascade_mask_rcnn_X_152_32x8d_FPN_IN5k_gn_dconv.yaml", 36, 32, 256, 256)]
    public void FullSizeConfigsHaveDetectron2Widths(string relative, int res4Blocks, int groups, int res2Bottleneck, int fpnChannels)
    {
        var model = ModelBuilder.Build(ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, relative)));
        var p = model.Graph.Parameters.ToDictionary(x => x.Name, x => x.Shape);
        Assert.That(p.Keys.Count(k => k.StartsWith("backbone.bottom_up.res4.") && k.EndsWith(".conv1.weight")), Is.EqualTo(res4Blocks));
        Assert.That(p["backbone.bottom_up.res2.0.conv2.weight"], Is.EqualTo(new[] { res2Bottleneck, res2Bottleneck / groups, 3, 3 }));
        Assert.That(p["backbone.fpn_output2.weight"], Is.EqualTo(new[] { fpnChannels, fpnChannels, 3, 3 }));
        Assert.That(p["backbone.bottom_up.stem.conv1.weight"], Is.EqualTo(new[] { 64, 3, 7, 7 }));
    }

    /// <summary>
    /// RetinaNetHead's state_dict names under each kind of <c>MODEL.RETINANET.NORM</c>: the subnets'
    /// <c>nn.Sequential</c> numbers conv, norm and ReLU; <c>BN</c> and <c>SyncBN</c> are
    /// <c>CycleBatchNormList</c>s (running statistics per level, one affine pair), other norms one module.
    /// </summary>
    [TestCase("")]
    [TestCase("GN")]
    [TestCase("FrozenBN")]
    [TestCase("BN")]
    [TestCase("SyncBN")]
    public void RetinaNetHeadHasDetectron2sParameterNamesForItsNorm(string norm)
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, "COCO-Detection/retinanet_R_50_FPN_1x.yaml"), ["MODEL.RETINANET.NORM", norm]);
        var model = ModelBuilder.Build(cfg, ModelScope.Detections);
        var expected = new List<string>();
        foreach (var subnet in new[] { "cls_subnet", "bbox_subnet" })
            for (int i = 0; i < 4; i++)
            {
                string conv = $"head.{subnet}.{(norm == "" ? 2 : 3) * i}", normModule = $"head.{subnet}.{3 * i + 1}";
                expected.AddRange([$"{conv}.weight 256x256x3x3", $"{conv}.bias 256"]);
                if (norm != "") expected.AddRange([$"{normModule}.weight 256", $"{normModule}.bias 256"]);
                if (norm == "FrozenBN") expected.AddRange([$"{normModule}.running_mean 256", $"{normModule}.running_var 256"]);
                if (norm is "BN" or "SyncBN")
                    for (int level = 0; level < 5; level++)
                        expected.AddRange([$"{normModule}.{level}.running_mean 256", $"{normModule}.{level}.running_var 256"]);
            }
        expected.AddRange(["head.cls_score.weight 720x256x3x3", "head.cls_score.bias 720", "head.bbox_pred.weight 36x256x3x3", "head.bbox_pred.bias 36"]);
        var head = model.Graph.Parameters.Where(p => p.Name.StartsWith("head.", StringComparison.Ordinal)).Select(p => $"{p.Name} {string.Join("x", p.Shape)}");
        Assert.That(head, Is.EquivalentTo(expected));
    }

    [Test]
    public void RetinaNetHeadWithLayerNormIsRefusedNamingTheKey()
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, "COCO-Detection/retinanet_R_50_FPN_1x.yaml"), ["MODEL.RETINANET.NORM", "LN"]);
        var e = Assert.Throws<ModelBuildException>(() => ModelBuilder.Build(cfg, ModelScope.Detections));
        Assert.That(e!.Message, Does.Contain("MODEL.RETINANET.NORM = \"LN\""));
    }

    [TestCaseSource(typeof(FixtureCase), nameof(FixtureCase.WithModel))]
    public void ParameterNamesAndShapesEqualDetectron2StateDict(string caseName)
    {
        var c = FixtureCase.Load(caseName);
        var model = ModelBuilder.Build(c.LoadResolvedConfig());
        var graph = model.Graph.Parameters.ToDictionary(p => p.Name, p => p.Shape);
        var checkpoint = CheckpointLoader.Load(c.Path("model.pkl")).Tensors
            .Where(kv => kv.Key.StartsWith("backbone.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.Shape);
        Assert.That(graph.Keys, Is.EquivalentTo(checkpoint.Keys), "parameter names");
        foreach (var (name, shape) in checkpoint)
            Assert.That(graph[name], Is.EqualTo(shape), name);
    }
}
