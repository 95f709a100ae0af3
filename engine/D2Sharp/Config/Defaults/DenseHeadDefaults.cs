namespace D2Sharp.Config.Defaults;

/// <summary><c>MODEL.SEM_SEG_HEAD</c>, <c>MODEL.PANOPTIC_FPN</c> and <c>MODEL.RETINANET</c>.</summary>
internal static class DenseHeadDefaults
{
    public static void AddTo(DefaultsSection model)
    {
        model.Section("SEM_SEG_HEAD", "Semantic segmentation head (semantic FPN).")
            .Value("NAME", "SemSegFPNHead", "Name of the head in the SEM_SEG_HEADS registry.")
            .Value("IN_FEATURES", new[] { "p2", "p3", "p4", "p5" }, "Feature maps the head reads.")
            .Value("IGNORE_VALUE", 255, "Ground-truth label ignored by the loss.")
            .Value("NUM_CLASSES", 54, "Number of semantic classes.")
            .Value("CONVS_DIM", 128, "Channels of the head's 3x3 convs.")
            .Value("COMMON_STRIDE", 4, "Stride all head outputs are upsampled to.")
            .Value("NORM", "GN", "Normalization of the head's convs: \"\" (none) or \"GN\".")
            .Value("LOSS_WEIGHT", 1.0, "Weight of the semantic segmentation loss.");

        DefaultsSection panoptic = model.Section("PANOPTIC_FPN", "Panoptic FPN: instance and semantic heads combined.")
            .Value("INSTANCE_LOSS_WEIGHT", 1.0, "Weight of all instance detection and segmentation losses.");
        panoptic.Section("COMBINE", "How instance and semantic outputs are combined into a panoptic output.")
            .Value("ENABLED", true, "Deprecated and unused by Detectron2; kept so that configs setting it still load.")
            .Value("OVERLAP_THRESH", 0.5, "Instances overlapping already-placed instances more than this fraction are dropped.")
            .Value("STUFF_AREA_LIMIT", 4096, "Stuff regions smaller than this many pixels are dropped.")
            .Value("INSTANCES_CONFIDENCE_THRESH", 0.5, "Instances scoring below this are not placed.");

        model.Section("RETINANET", "RetinaNet head.")
            .Value("NUM_CLASSES", 80, "Number of foreground classes.")
            .Value("IN_FEATURES", new[] { "p3", "p4", "p5", "p6", "p7" }, "Feature maps the head reads.")
            .Value("NUM_CONVS", 4, "Convs in the classification and box towers, not counting the final prediction conv.")
            .Value("IOU_THRESHOLDS", new[] { 0.4, 0.5 }, "IoU thresholds [BG, FG] labelling anchors as negative (below BG), ignored, or positive (FG and above).")
            .Value("IOU_LABELS", new[] { 0, -1, 1 }, "Labels for the ranges cut by IOU_THRESHOLDS: negative, ignored, positive.")
            .Value("PRIOR_PROB", 0.01, "Prior foreground probability setting the initial bias of the classification logits.")
            .Value("SCORE_THRESH_TEST", 0.05, "Only anchors scoring above this are considered at test time.")
            .Value("TOPK_CANDIDATES_TEST", 1000, "Top-scoring candidates kept per level before NMS at test time.")
            .Value("NMS_THRESH_TEST", 0.5, "IoU threshold of the NMS at test time.")
            .Value("BBOX_REG_WEIGHTS", new[] { 1.0, 1.0, 1.0, 1.0 }, "Weights on (dx, dy, dw, dh) normalizing the box regression targets.")
            .Value("FOCAL_LOSS_GAMMA", 2.0, "Focusing parameter gamma of the focal loss.")
            .Value("FOCAL_LOSS_ALPHA", 0.25, "Balancing parameter alpha of the focal loss.")
            .Value("SMOOTH_L1_LOSS_BETA", 0.1, "Transition point from L1 to L2 of the smooth L1 box loss; 0 makes it plain L1.")
            .Value("BBOX_REG_LOSS_TYPE", "smooth_l1", "Box regression loss: \"smooth_l1\", \"giou\", \"diou\" or \"ciou\".")
            .Value("NORM", "", "Normalization in the head's towers: \"\" (none) or one of BN, SyncBN, FrozenBN, GN.");
    }
}
