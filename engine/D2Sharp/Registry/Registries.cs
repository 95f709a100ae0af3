using D2Sharp.Modeling;

namespace D2Sharp.Registry;

/// <summary>The process-wide registries, pre-filled with Detectron2's builders under Detectron2's names.</summary>
public static class Registries
{
    /// <summary><c>MODEL.BACKBONE.NAME</c> → backbone builder.</summary>
    public static Registry<BackboneBuilder> Backbones { get; } = CreateBackbones();

    /// <summary><c>MODEL.ANCHOR_GENERATOR.NAME</c> → anchor generator builder.</summary>
    public static Registry<AnchorGeneratorBuilder> AnchorGenerators { get; } = CreateAnchorGenerators();

    /// <summary><c>MODEL.RPN.HEAD_NAME</c> → RPN head builder.</summary>
    public static Registry<RpnHeadBuilder> RpnHeads { get; } = CreateRpnHeads();

    /// <summary><c>MODEL.ROI_HEADS.NAME</c> → ROI heads builder.</summary>
    public static Registry<RoiHeadsBuilder> RoiHeads { get; } = CreateRoiHeads();

    /// <summary><c>MODEL.ROI_BOX_HEAD.NAME</c> → box head builder.</summary>
    public static Registry<BoxHeadBuilder> RoiBoxHeads { get; } = CreateRoiBoxHeads();

    /// <summary><c>MODEL.ROI_MASK_HEAD.NAME</c> → mask head builder.</summary>
    public static Registry<MaskHeadBuilder> RoiMaskHeads { get; } = CreateRoiMaskHeads();

    /// <summary><c>MODEL.ROI_KEYPOINT_HEAD.NAME</c> → keypoint head builder.</summary>
    public static Registry<KeypointHeadBuilder> RoiKeypointHeads { get; } = CreateRoiKeypointHeads();

    private static Registry<BackboneBuilder> CreateBackbones()
    {
        var r = new Registry<BackboneBuilder>("BACKBONE");
        r.Register("build_resnet_backbone", ResNetBuilder.BuildResNetBackbone);
        r.Register("build_resnet_fpn_backbone", FpnBuilder.BuildResNetFpnBackbone);
        r.Register("build_retinanet_resnet_fpn_backbone", FpnBuilder.BuildRetinaNetResNetFpnBackbone);
        return r;
    }

    private static Registry<AnchorGeneratorBuilder> CreateAnchorGenerators()
    {
        var r = new Registry<AnchorGeneratorBuilder>("ANCHOR_GENERATOR");
        r.Register("DefaultAnchorGenerator", DefaultAnchorGenerator.Build);
        return r;
    }

    private static Registry<RpnHeadBuilder> CreateRpnHeads()
    {
        var r = new Registry<RpnHeadBuilder>("RPN_HEAD");
        r.Register("StandardRPNHead", RpnBuilder.StandardRpnHead);
        return r;
    }

    private static Registry<RoiHeadsBuilder> CreateRoiHeads()
    {
        var r = new Registry<RoiHeadsBuilder>("ROI_HEADS");
        r.Register("StandardROIHeads", Modeling.RoiHeads.StandardRoiHeads);
        r.Register("Res5ROIHeads", Modeling.RoiHeads.Res5RoiHeads);
        r.Register("CascadeROIHeads", Modeling.RoiHeads.CascadeRoiHeads);
        return r;
    }

    private static Registry<BoxHeadBuilder> CreateRoiBoxHeads()
    {
        var r = new Registry<BoxHeadBuilder>("ROI_BOX_HEAD");
        r.Register("FastRCNNConvFCHead", Modeling.RoiHeads.FastRcnnConvFcHead);
        return r;
    }

    private static Registry<MaskHeadBuilder> CreateRoiMaskHeads()
    {
        var r = new Registry<MaskHeadBuilder>("ROI_MASK_HEAD");
        r.Register("MaskRCNNConvUpsampleHead", Modeling.RoiHeads.MaskRcnnConvUpsampleHead);
        return r;
    }

    private static Registry<KeypointHeadBuilder> CreateRoiKeypointHeads()
    {
        var r = new Registry<KeypointHeadBuilder>("ROI_KEYPOINT_HEAD");
        r.Register("KRCNNConvDeconvUpsampleHead", Modeling.RoiHeads.KrcnnConvDeconvUpsampleHead);
        return r;
    }
}
