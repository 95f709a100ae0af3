using D2Sharp.Config;

namespace D2Sharp.Modeling;

/// <summary>
/// The ranges every numeric key the model reads must fall in, checked before anything is built so
/// that a typo (<c>MODEL.FPN.OUT_CHANNELS 0</c>) or a hostile config is a
/// <see cref="ModelBuildException"/> naming the key, not a divide-by-zero inside a worker, an
/// overflow, an allocation of gigabytes or a loop that never ends. The lower bounds are what the
/// layers need (Detectron2 asserts some of them); the upper bounds are D2Sharp's, far above any
/// published model, and keep sizes that multiply together (channels × resolution² × slots) inside
/// what a run can hold. The builders check what depends on several keys (NUM_CONV + NUM_FC > 0).
/// Keys of heads the config does not build are not checked.
/// </summary>
internal static class ModelConfigChecks
{
    /// <summary>Channels of any layer (the widest published Detectron2 models use 2048).</summary>
    public const int MaxChannels = 16384;

    /// <summary>Slots of a top-k, a proposal list or a detection list (Detectron2's largest default is 2000).</summary>
    public const int MaxCandidates = 100_000;

    /// <summary>Stacked head convolutions or FC layers (published heads use at most 8).</summary>
    public const int MaxLayers = 64;

    /// <summary>The longest image side a test-time resize may produce.</summary>
    public const int MaxImageSide = 16384;

    private enum Head { Always, Rpn, RoiBox, Mask, Keypoint, RetinaNet }

    private sealed record IntRule(string Key, int Min, int Max, Head Head = Head.Always);

    private static readonly IntRule[] IntRules =
    [
        new("INPUT.MIN_SIZE_TEST", 0, MaxImageSide),
        new("INPUT.MAX_SIZE_TEST", 1, MaxImageSide),
        new("MODEL.RESNETS.NUM_GROUPS", 1, MaxChannels),
        new("MODEL.RESNETS.WIDTH_PER_GROUP", 1, MaxChannels),
        new("MODEL.RESNETS.RES2_OUT_CHANNELS", 1, MaxChannels),
        new("MODEL.RESNETS.STEM_OUT_CHANNELS", 1, MaxChannels),
        new("MODEL.RESNETS.DEFORM_NUM_GROUPS", 1, MaxChannels),
        new("MODEL.FPN.OUT_CHANNELS", 1, MaxChannels),
        new("MODEL.RPN.PRE_NMS_TOPK_TEST", 1, MaxCandidates, Head.Rpn),
        new("MODEL.RPN.POST_NMS_TOPK_TEST", 1, MaxCandidates, Head.Rpn),
        new("MODEL.ROI_HEADS.NUM_CLASSES", 1, MaxCandidates, Head.RoiBox),
        new("TEST.DETECTIONS_PER_IMAGE", 1, MaxCandidates),
        new("MODEL.ROI_BOX_HEAD.NUM_CONV", 0, MaxLayers, Head.RoiBox),
        new("MODEL.ROI_BOX_HEAD.CONV_DIM", 1, MaxChannels, Head.RoiBox),
        new("MODEL.ROI_BOX_HEAD.NUM_FC", 0, MaxLayers, Head.RoiBox),
        new("MODEL.ROI_BOX_HEAD.FC_DIM", 1, MaxChannels, Head.RoiBox),
        new("MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION", 1, 256, Head.RoiBox),
        new("MODEL.ROI_BOX_HEAD.POOLER_SAMPLING_RATIO", 0, 64, Head.RoiBox),
        new("MODEL.ROI_MASK_HEAD.NUM_CONV", 0, MaxLayers, Head.Mask),
        new("MODEL.ROI_MASK_HEAD.CONV_DIM", 1, MaxChannels, Head.Mask),
        new("MODEL.ROI_MASK_HEAD.POOLER_RESOLUTION", 1, 256, Head.Mask),
        new("MODEL.ROI_MASK_HEAD.POOLER_SAMPLING_RATIO", 0, 64, Head.Mask),
        new("MODEL.ROI_KEYPOINT_HEAD.NUM_KEYPOINTS", 1, 1024, Head.Keypoint),
        new("MODEL.ROI_KEYPOINT_HEAD.POOLER_RESOLUTION", 1, 256, Head.Keypoint),
        new("MODEL.ROI_KEYPOINT_HEAD.POOLER_SAMPLING_RATIO", 0, 64, Head.Keypoint),
        new("MODEL.RETINANET.NUM_CLASSES", 1, MaxCandidates, Head.RetinaNet),
        new("MODEL.RETINANET.NUM_CONVS", 0, MaxLayers, Head.RetinaNet),
        new("MODEL.RETINANET.TOPK_CANDIDATES_TEST", 1, MaxCandidates, Head.RetinaNet),
    ];

    /// <summary>
    /// Real-valued keys used as Detectron2 uses them, whatever their value (an NMS threshold of 1
    /// turns NMS off, a negative minimum size filters nothing): they need only be numbers.
    /// </summary>
    private static readonly (string Key, Head Head)[] FiniteKeys =
    [
        ("MODEL.PROPOSAL_GENERATOR.MIN_SIZE", Head.Rpn),
        ("MODEL.RPN.NMS_THRESH", Head.Rpn),
        ("MODEL.ROI_HEADS.NMS_THRESH_TEST", Head.RoiBox),
        ("MODEL.ROI_HEADS.SCORE_THRESH_TEST", Head.RoiBox),
        ("MODEL.RETINANET.NMS_THRESH_TEST", Head.RetinaNet),
        ("MODEL.RETINANET.SCORE_THRESH_TEST", Head.RetinaNet),
    ];

    /// <summary>Lists of channel counts; in some, −1 means as many as the input (Detectron2's StandardRPNHead).</summary>
    private static readonly (string Key, bool MinusOneIsInput, Head Head)[] ChannelListRules =
    [
        ("MODEL.RPN.CONV_DIMS", true, Head.Rpn),
        ("MODEL.ROI_KEYPOINT_HEAD.CONV_DIMS", false, Head.Keypoint),
    ];

    /// <summary>Throws <see cref="ModelBuildException"/> naming the first key out of its range.</summary>
    public static void Check(CfgNode cfg)
    {
        var heads = BuiltHeads(cfg);
        foreach (var rule in IntRules.Where(r => heads.Contains(r.Head) && cfg.ContainsKey(r.Key)))
        {
            int value = cfg.GetInt(rule.Key);
            if (value < rule.Min || value > rule.Max) throw OutOfRange(rule.Key, value.ToString(), value, rule.Min, rule.Max);
        }
        foreach (var (key, _) in FiniteKeys.Where(r => heads.Contains(r.Head) && cfg.ContainsKey(r.Key)))
        {
            double value = cfg.GetDouble(key);
            if (!double.IsFinite(value)) throw new ModelBuildException($"{key} = {value} must be a finite number");
        }
        foreach (var (key, minusOneIsInput, _) in ChannelListRules.Where(r => heads.Contains(r.Head) && cfg.ContainsKey(r.Key)))
        {
            var values = cfg.GetIntList(key);
            foreach (int value in values)
            {
                if (value is >= 1 and <= MaxChannels || (minusOneIsInput && value == -1)) continue;
                string shown = $"[{string.Join(", ", values)}]";
                throw value > MaxChannels
                    ? OutOfRange(key, shown, value, 1, MaxChannels)
                    : new ModelBuildException($"{key} = {shown} holds {value}; channel counts must be positive" + (minusOneIsInput ? " (or -1: the input's)" : ""));
            }
        }
        foreach (string key in new[] { "MODEL.PIXEL_MEAN", "MODEL.PIXEL_STD" })
        {
            var values = cfg.GetDoubleList(key);
            if (values.Any(v => !double.IsFinite(v)))
                throw new ModelBuildException($"{key} = [{string.Join(", ", values)}]: every value must be a finite number");
        }
    }

    private static ModelBuildException OutOfRange(string key, string shown, int value, int min, int max) =>
        new(value < min
            ? $"{key} = {shown} must be " + (min == 1 ? "positive" : min == 0 ? "0 or more" : $"at least {min}")
            : $"{key} = {shown} must be at most {max} (D2Sharp's limit, far above any published Detectron2 model)");

    /// <summary>The heads this config builds, whose keys are then checked.</summary>
    private static HashSet<Head> BuiltHeads(CfgNode cfg)
    {
        var heads = new HashSet<Head> { Head.Always };
        string arch = cfg.GetString("MODEL.META_ARCHITECTURE");
        if (arch == "RetinaNet") heads.Add(Head.RetinaNet);
        else if (ModelBuilder.AnchorFeaturesKey(cfg) != null) heads.Add(Head.Rpn);
        if (arch == "GeneralizedRCNN")
        {
            heads.Add(Head.RoiBox);
            if (cfg.GetBool("MODEL.MASK_ON")) heads.Add(Head.Mask);
            if (cfg.GetBool("MODEL.KEYPOINT_ON")) heads.Add(Head.Keypoint);
        }
        return heads;
    }
}
