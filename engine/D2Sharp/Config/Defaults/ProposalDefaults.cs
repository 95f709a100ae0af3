namespace D2Sharp.Config.Defaults;

/// <summary><c>MODEL.PROPOSAL_GENERATOR</c>, <c>MODEL.ANCHOR_GENERATOR</c> and <c>MODEL.RPN</c>.</summary>
internal static class ProposalDefaults
{
    public static void AddTo(DefaultsSection model)
    {
        model.Section("PROPOSAL_GENERATOR", "Which proposal generator the R-CNN uses.")
            .Value("NAME", "RPN", "Proposal generator: \"RPN\", \"RRPN\" or \"PrecomputedProposals\".")
            .Value("MIN_SIZE", 0, "Proposals whose height or width is not above this (in input pixels) are dropped.");

        model.Section("ANCHOR_GENERATOR", "Anchors placed on each feature map.")
            .Value("NAME", "DefaultAnchorGenerator", "Name of the anchor generator in the ANCHOR_GENERATOR registry.")
            .Value("SIZES", new[] { new[] { 32, 64, 128, 256, 512 } },
                "Anchor sizes (sqrt of area, input pixels): one list per feature map in IN_FEATURES, or one list for all.")
            .Value("ASPECT_RATIOS", new[] { new[] { 0.5, 1.0, 2.0 } },
                "Anchor aspect ratios (height/width): one list per feature map, or one list for all.")
            .Value(ConfigDefaults.AspectRatiosFlipKey, false,
                "D2Sharp only: read each ASPECT_RATIOS list Caffe-style, [2, 3] meaning [1, 2, 3, 1/2, 1/3] (the anchor builder expands it).")
            .Value("ANGLES", new[] { new[] { -90, 0, 90 } }, "Anchor angles in degrees for rotated anchors, one list per feature map.")
            .Value("OFFSET", 0.0, "Offset of the first anchor center from the image's top-left corner, in strides, in [0, 1); 0.5 is half a stride.");

        model.Section("RPN", "Region Proposal Network options.")
            .Value("HEAD_NAME", "StandardRPNHead", "Name of the RPN head in the RPN_HEAD registry.")
            .Value("IN_FEATURES", new[] { "res4" }, "Feature maps the RPN reads (e.g. [\"p2\", \"p3\", \"p4\", \"p5\", \"p6\"] with FPN).")
            .Value("BOUNDARY_THRESH", -1, "Drop anchors reaching this many pixels outside the image in training; -1 (or a large value) keeps all.")
            .Value("IOU_THRESHOLDS", new[] { 0.3, 0.7 }, "IoU thresholds [BG, FG] labelling anchors as negative (below BG), ignored, or positive (FG and above).")
            .Value("IOU_LABELS", new[] { 0, -1, 1 }, "Labels for the ranges cut by IOU_THRESHOLDS: negative, ignored, positive.")
            .Value("BATCH_SIZE_PER_IMAGE", 256, "Number of anchors sampled per image to train the RPN.")
            .Value("POSITIVE_FRACTION", 0.5, "Target fraction of positive anchors in an RPN minibatch.")
            .Value("BBOX_REG_LOSS_TYPE", "smooth_l1", "Box regression loss: \"smooth_l1\", \"giou\", \"diou\" or \"ciou\".")
            .Value("BBOX_REG_LOSS_WEIGHT", 1.0, "Weight of the RPN box regression loss.")
            .Value("BBOX_REG_WEIGHTS", new[] { 1.0, 1.0, 1.0, 1.0 }, "Weights on (dx, dy, dw, dh) normalizing the RPN regression targets.")
            .Value("SMOOTH_L1_BETA", 0.0, "Transition point from L1 to L2 of the smooth L1 loss; 0 makes it plain L1.")
            .Value("LOSS_WEIGHT", 1.0, "Weight of all RPN losses.")
            .Value("PRE_NMS_TOPK_TRAIN", 12000, "Top-scoring proposals kept before NMS in training (per FPN level with FPN).")
            .Value("PRE_NMS_TOPK_TEST", 6000, "Top-scoring proposals kept before NMS at test time (per FPN level with FPN).")
            .Value("POST_NMS_TOPK_TRAIN", 2000, "Proposals kept after NMS in training (per image, per level and then in total with FPN).")
            .Value("POST_NMS_TOPK_TEST", 1000, "Proposals kept after NMS at test time (per image, per level and then in total with FPN).")
            .Value("NMS_THRESH", 0.7, "IoU threshold of the NMS on RPN proposals.")
            .Value("CONV_DIMS", new[] { -1 }, "Channels of the RPN head's convs; -1 keeps the input channels.");
    }
}
