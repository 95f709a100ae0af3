namespace D2Sharp.Config.Defaults;

/// <summary><c>MODEL.ROI_HEADS</c> and the box, cascade, mask and keypoint heads that run on its ROIs.</summary>
internal static class RoiHeadDefaults
{
    public static void AddTo(DefaultsSection model)
    {
        model.Section("ROI_HEADS", "Per-region heads of R-CNN models.")
            .Value("NAME", "Res5ROIHeads", "Name of the ROI heads in the ROI_HEADS registry.")
            .Value("NUM_CLASSES", 80, "Number of foreground classes.")
            .Value("IN_FEATURES", new[] { "res4" }, "Feature maps the ROI heads read (e.g. [\"p2\", \"p3\", \"p4\", \"p5\"] with FPN).")
            .Value("IOU_THRESHOLDS", new[] { 0.5 }, "IoU thresholds between an ROI and ground truth: below is background, at or above foreground.")
            .Value("IOU_LABELS", new[] { 0, 1 }, "Labels for the ranges cut by IOU_THRESHOLDS: background, foreground.")
            .Value("BATCH_SIZE_PER_IMAGE", 512, "Number of ROIs sampled per image to train the ROI heads.")
            .Value("POSITIVE_FRACTION", 0.25, "Target fraction of foreground ROIs in a minibatch.")
            .Value("SCORE_THRESH_TEST", 0.05, "Minimum score of a detection kept at test time.")
            .Value("NMS_THRESH_TEST", 0.5, "IoU threshold of the per-class NMS at test time.")
            .Value("PROPOSAL_APPEND_GT", true, "Add the ground-truth boxes to the proposals before sampling ROIs in training.");

        model.Section("ROI_BOX_HEAD", "Box head: box classification and regression per ROI.")
            .Value("NAME", "", "Name of the box head in the ROI_BOX_HEAD registry (e.g. FastRCNNConvFCHead); C4 models use none.")
            .Value("BBOX_REG_LOSS_TYPE", "smooth_l1", "Box regression loss: \"smooth_l1\", \"giou\", \"diou\" or \"ciou\".")
            .Value("BBOX_REG_LOSS_WEIGHT", 1.0, "Weight of the box regression loss.")
            .Value("BBOX_REG_WEIGHTS", new[] { 10.0, 10.0, 5.0, 5.0 }, "Weights on (dx, dy, dw, dh) normalizing the box regression targets.")
            .Value("SMOOTH_L1_BETA", 0.0, "Transition point from L1 to L2 of the smooth L1 loss; 0 makes it plain L1.")
            .Value("POOLER_RESOLUTION", 14, "Output size of the ROI pooler.")
            .Value("POOLER_SAMPLING_RATIO", 0, "Sampling points per output bin of ROIAlign; 0 adapts to the ROI size.")
            .Value("POOLER_TYPE", "ROIAlignV2", "ROI pooling operation: \"ROIAlignV2\", \"ROIAlign\", \"ROIPool\", ...")
            .Value("NUM_FC", 0, "Number of fully connected layers in the box head.")
            .Value("FC_DIM", 1024, "Hidden size of the box head's fully connected layers.")
            .Value("NUM_CONV", 0, "Number of convs in the box head.")
            .Value("CONV_DIM", 256, "Channels of the box head's convs.")
            .Value("NORM", "", "Normalization of the box head's convs: \"\" (none), \"GN\" or \"SyncBN\".")
            .Value("CLS_AGNOSTIC_BBOX_REG", false, "Regress one box per ROI instead of one per class.")
            .Value("TRAIN_ON_PRED_BOXES", false, "Train the ROI heads on the boxes the box head predicts instead of the proposals.")
            .Value("USE_FED_LOSS", false, "Use the federated loss (for LVIS).")
            .Value("USE_SIGMOID_CE", false, "Use sigmoid cross entropy (used with the federated loss).")
            .Value("FED_LOSS_FREQ_WEIGHT_POWER", 0.5, "Power applied to the image count of each class for the federated loss's frequency weights.")
            .Value("FED_LOSS_NUM_CLASSES", 50, "Number of classes the federated loss keeps in total.");

        model.Section("ROI_BOX_CASCADE_HEAD", "Cascade R-CNN stages; their number is the length of these lists.")
            .Value("BBOX_REG_WEIGHTS", new[] { new[] { 10.0, 10.0, 5.0, 5.0 }, new[] { 20.0, 20.0, 10.0, 10.0 }, new[] { 30.0, 30.0, 15.0, 15.0 } },
                "Box regression weights (dx, dy, dw, dh) of each cascade stage.")
            .Value("IOUS", new[] { 0.5, 0.6, 0.7 }, "Foreground IoU threshold of each cascade stage.");

        model.Section("ROI_MASK_HEAD", "Mask head of Mask R-CNN.")
            .Value("NAME", "MaskRCNNConvUpsampleHead", "Name of the mask head in the ROI_MASK_HEAD registry.")
            .Value("POOLER_RESOLUTION", 14, "Output size of the mask head's ROI pooler.")
            .Value("POOLER_SAMPLING_RATIO", 0, "Sampling points per output bin of ROIAlign; 0 adapts to the ROI size.")
            .Value("NUM_CONV", 0, "Number of convs in the mask head.")
            .Value("CONV_DIM", 256, "Channels of the mask head's convs.")
            .Value("NORM", "", "Normalization of the mask head's convs: \"\" (none), \"GN\" or \"SyncBN\".")
            .Value("CLS_AGNOSTIC_MASK", false, "Predict one mask per ROI instead of one per class.")
            .Value("POOLER_TYPE", "ROIAlignV2", "ROI pooling operation of the mask head.");

        model.Section("ROI_KEYPOINT_HEAD", "Keypoint head of Keypoint R-CNN.")
            .Value("NAME", "KRCNNConvDeconvUpsampleHead", "Name of the keypoint head in the ROI_KEYPOINT_HEAD registry.")
            .Value("POOLER_RESOLUTION", 14, "Output size of the keypoint head's ROI pooler.")
            .Value("POOLER_SAMPLING_RATIO", 0, "Sampling points per output bin of ROIAlign; 0 adapts to the ROI size.")
            .Value("CONV_DIMS", Enumerable.Repeat(512, 8).ToArray(), "Channels of each conv of the keypoint head (eight convs of 512).")
            .Value("NUM_KEYPOINTS", 17, "Number of keypoints per instance (17 in COCO).")
            .Value("MIN_KEYPOINTS_PER_IMAGE", 1, "Training images with fewer visible keypoints are dropped.")
            .Value("NORMALIZE_LOSS_BY_VISIBLE_KEYPOINTS", true, "Normalize the keypoint loss by the visible keypoints of the minibatch, not by all possible ones.")
            .Value("LOSS_WEIGHT", 1.0, "Weight of the keypoint loss (1.0 with NORMALIZE_LOSS_BY_VISIBLE_KEYPOINTS, else 4.0).")
            .Value("POOLER_TYPE", "ROIAlignV2", "ROI pooling operation of the keypoint head.");
    }
}
