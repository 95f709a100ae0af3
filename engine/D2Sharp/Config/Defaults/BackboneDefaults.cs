namespace D2Sharp.Config.Defaults;

/// <summary><c>MODEL.BACKBONE</c>, <c>MODEL.FPN</c> and <c>MODEL.RESNETS</c>.</summary>
internal static class BackboneDefaults
{
    public static void AddBackboneAndFpn(DefaultsSection model)
    {
        model.Section("BACKBONE", "Which backbone builder runs and how much of it is frozen.")
            .Value("NAME", "build_resnet_backbone", "Name of the backbone builder in the BACKBONE registry.")
            .Value("FREEZE_AT", 2, "Freeze the first stages (1 = stem, 2 = stem and res2, ...) so that they are not trained.");

        model.Section("FPN", "Feature Pyramid Network options.")
            .Value("IN_FEATURES", DefaultsSection.Empty, "Names of the bottom-up features FPN reads, with contiguous power-of-2 strides (e.g. [\"res2\", \"res3\", \"res4\", \"res5\"]).")
            .Value("OUT_CHANNELS", 256, "Channels of every FPN output.")
            .Value("NORM", "", "Normalization of the lateral and output convs: \"\" (none) or \"GN\".")
            .Value("FUSE_TYPE", "sum", "How a top-down feature and a lateral feature are fused: \"sum\" or \"avg\".")
            .Value(ConfigDefaults.FpnUpsampleModeKey, "nearest",
                "D2Sharp only: top-down upsampling of FPN, \"nearest\" (as Detectron2) or \"bilinear\".");
    }

    public static void AddResNets(DefaultsSection model) =>
        model.Section("RESNETS", "ResNet and ResNeXt options, used by the backbone and by the Res5 ROI head.")
            .Value("DEPTH", 50, "Number of layers: 18, 34, 50, 101 or 152.")
            .Value("OUT_FEATURES", new[] { "res4" }, "Stages whose outputs the backbone returns: res4 for C4 models, res2..res5 for FPN.")
            .Value("NUM_GROUPS", 1, "Groups of the 3x3 bottleneck conv: 1 for ResNet, more than 1 for ResNeXt.")
            .Value("NORM", "FrozenBN", "Normalization after each conv: \"FrozenBN\", \"GN\", \"SyncBN\" or \"BN\".")
            .Value("WIDTH_PER_GROUP", 64, "Width of each group of the first bottleneck stage; scales the width of all bottleneck layers.")
            .Value("STRIDE_IN_1X1", true, "Put the stride-2 on the first 1x1 conv (original MSRA models) instead of the 3x3 (Caffe2 and torchvision models).")
            .Value("RES5_DILATION", 1, "Dilation of res5 (2 makes res5 stride 1 with dilated 3x3 convs, as in DC5 models).")
            .Value("RES2_OUT_CHANNELS", 256, "Output channels of res2; scales all 1x1 convs (set 64 for R18 and R34).")
            .Value("STEM_OUT_CHANNELS", 64, "Output channels of the stem conv.")
            .Value("DEFORM_ON_PER_STAGE", new[] { false, false, false, false }, "Whether res2, res3, res4 and res5 use deformable 3x3 convs.")
            .Value("DEFORM_MODULATED", false, "Use modulated deformable convs (DCN v2) instead of DCN v1.")
            .Value("DEFORM_NUM_GROUPS", 1, "Number of offset groups of the deformable convs.");
}
