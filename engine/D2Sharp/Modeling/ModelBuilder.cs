using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Registry;

namespace D2Sharp.Modeling;

/// <summary>
/// Builds the graph a config describes: the preprocessing op that turns uint8 images into the
/// normalised, padded tensor, the backbone named by MODEL.BACKBONE.NAME, the anchor generator over
/// the features the meta-architecture feeds it (RPN.IN_FEATURES for R-CNN models with an RPN,
/// RETINANET.IN_FEATURES for RetinaNet; none otherwise), with <see cref="ModelScope.Rpn"/> the
/// RPN up to its proposals, and with <see cref="ModelScope.Detections"/> the ROI heads
/// (<c>MODEL.ROI_HEADS.NAME</c>) or RetinaNet's head; a ProposalNetwork stops at its proposals,
/// which are its detections.
/// </summary>
public static class ModelBuilder
{
    private static readonly string[] RpnArchitectures = ["GeneralizedRCNN", "ProposalNetwork", "PanopticFPN"];

    /// <summary>Builds the graph for <paramref name="cfg"/> up to <paramref name="scope"/>; the graph holds parameter names and shapes only, no weights.</summary>
    /// <exception cref="ModelBuildException">The config asks for something Detectron2 would reject or D2Sharp does not support (the message names the key).</exception>
    /// <exception cref="ConfigException">A key the builders read is missing or has the wrong type.</exception>
    /// <exception cref="RegistryException">A builder name in the config (<c>MODEL.BACKBONE.NAME</c>, <c>MODEL.ROI_HEADS.NAME</c>…) is not registered.</exception>
    public static ModelSpec Build(CfgNode cfg, ModelScope scope = ModelScope.Backbone)
    {
        ModelConfigChecks.Check(cfg);
        var mean = cfg.GetDoubleList("MODEL.PIXEL_MEAN");
        var std = cfg.GetDoubleList("MODEL.PIXEL_STD");
        if (mean.Count != std.Count)
            throw new ModelBuildException($"MODEL.PIXEL_MEAN has {mean.Count} values but MODEL.PIXEL_STD has {std.Count}; they must match");
        if (mean.Count != 3)
            throw new ModelBuildException($"MODEL.PIXEL_MEAN has {mean.Count} channels; D2Sharp reads 3-channel images");
        if (std.Any(s => s == 0))
            throw new ModelBuildException("MODEL.PIXEL_STD contains 0");
        string? anchorKey = AnchorFeaturesKey(cfg);
        CheckScope(cfg, scope, anchorKey);

        var graph = new ModelGraph();
        var pixels = graph.AddInput("pixels", DataType.UInt8);
        var imageSizes = graph.AddInput("image_sizes", DataType.Int32);
        var normalize = new NormalizeImage { Mean = mean.Select(v => (float)v).ToArray(), Std = std.Select(v => (float)v).ToArray() };
        var image = graph.Add("preprocess", normalize, [pixels, imageSizes], new ShapeSpec(mean.Count, 1), valueName: "image");

        var builder = Registries.Backbones.Get(cfg.GetString("MODEL.BACKBONE.NAME"));
        var backbone = builder(cfg, new BackboneInput(graph, image, "backbone"));
        foreach (var (name, value) in backbone.Outputs) graph.MarkOutput(name, value);

        var anchorNames = new List<string>();
        if (anchorKey != null)
        {
            var features = new List<KeyValuePair<string, Value>>();
            foreach (var f in cfg.GetStringList(anchorKey))
            {
                if (!backbone.TryGet(f, out var v))
                    throw new ModelBuildException(
                        $"{anchorKey} names '{f}', which the backbone does not output (outputs: {string.Join(", ", backbone.Outputs.Select(o => o.Key))})");
                features.Add(new(f, v));
            }
            var generator = Registries.AnchorGenerators.Get(cfg.GetString("MODEL.ANCHOR_GENERATOR.NAME"));
            var anchors = generator(cfg, graph, features);
            for (int i = 0; i < anchors.Count; i++)
            {
                string name = $"anchors_{features[i].Key}";
                graph.MarkOutput(name, anchors[i]);
                anchorNames.Add(name);
            }
            if (scope == ModelScope.Detections && cfg.GetString("MODEL.META_ARCHITECTURE") == "RetinaNet")
            {
                RetinaNetBuilder.Build(cfg, graph, features, anchors);
            }
            else if (scope >= ModelScope.Rpn)
            {
                var proposals = RpnBuilder.Build(cfg, graph, features, anchors, imageSizes);
                // A ProposalNetwork's detections are its proposals: nothing runs after the RPN.
                if (scope == ModelScope.Detections && cfg.GetString("MODEL.META_ARCHITECTURE") != "ProposalNetwork")
                    Registries.RoiHeads.Get(cfg.GetString("MODEL.ROI_HEADS.NAME"))(cfg, graph, backbone.Outputs, proposals, imageSizes);
            }
        }
        return new ModelSpec(cfg, graph, scope, pixels, imageSizes, image, backbone.SizeDivisibility,
            backbone.Outputs.Select(o => o.Key).ToArray(), anchorNames);
    }

    private static void CheckScope(CfgNode cfg, ModelScope scope, string? anchorKey)
    {
        string arch = cfg.GetString("MODEL.META_ARCHITECTURE");
        if (scope == ModelScope.Detections && arch == "RetinaNet") return;
        if (scope >= ModelScope.Rpn && RpnArchitectures.Contains(arch) && cfg.GetString("MODEL.PROPOSAL_GENERATOR.NAME") is var generator && generator != "RPN")
            throw new ModelBuildException(
                $"scope '{scope.ToString().ToLowerInvariant()}' needs MODEL.PROPOSAL_GENERATOR.NAME \"RPN\"; \"{generator}\" is not supported by D2Sharp" +
                (generator == "PrecomputedProposals" ? " (Fast R-CNN reads its proposals from a file)" : ""));
        if (scope >= ModelScope.Rpn && anchorKey != "MODEL.RPN.IN_FEATURES")
            throw new ModelBuildException(
                $"scope '{scope.ToString().ToLowerInvariant()}' needs a meta-architecture with an RPN ({string.Join(", ", RpnArchitectures)} with MODEL.PROPOSAL_GENERATOR.NAME \"RPN\"); " +
                $"this config has {arch}" + (arch == "RetinaNet" ? " (use scope 'detections')" : ""));
        if (scope == ModelScope.Detections && arch is not ("GeneralizedRCNN" or "ProposalNetwork"))
            throw new ModelBuildException($"scope 'detections' builds GeneralizedRCNN, ProposalNetwork and RetinaNet models; {arch} is not built yet");
    }

    /// <summary>
    /// The most of the model D2Sharp builds for this config: <see cref="ModelScope.Detections"/>
    /// for GeneralizedRCNN and ProposalNetwork models with an RPN and for RetinaNet,
    /// <see cref="ModelScope.Rpn"/> for the other meta-architectures with an RPN (PanopticFPN),
    /// else <see cref="ModelScope.Backbone"/>.
    /// </summary>
    public static ModelScope DeepestScope(CfgNode cfg)
    {
        string arch = cfg.GetString("MODEL.META_ARCHITECTURE");
        if (arch == "RetinaNet") return ModelScope.Detections;
        if (AnchorFeaturesKey(cfg) != "MODEL.RPN.IN_FEATURES") return ModelScope.Backbone;
        return arch is "GeneralizedRCNN" or "ProposalNetwork" ? ModelScope.Detections : ModelScope.Rpn;
    }

    /// <summary>The config key listing the anchor generator's input features, or null when the model has none.</summary>
    public static string? AnchorFeaturesKey(CfgNode cfg)
    {
        var arch = cfg.GetString("MODEL.META_ARCHITECTURE");
        if (arch == "RetinaNet") return "MODEL.RETINANET.IN_FEATURES";
        if (RpnArchitectures.Contains(arch) && cfg.GetString("MODEL.PROPOSAL_GENERATOR.NAME") == "RPN") return "MODEL.RPN.IN_FEATURES";
        return null;
    }
}
