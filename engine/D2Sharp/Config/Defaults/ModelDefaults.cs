namespace D2Sharp.Config.Defaults;

/// <summary>The top of <c>MODEL</c>: architecture, device, weights and input normalization.</summary>
internal static class ModelDefaults
{
    public static DefaultsSection AddTo(DefaultsSection root) =>
        root.Section("MODEL", "The model: architecture, backbone, heads and the weights to load.")
            .Value("LOAD_PROPOSALS", false, "Read precomputed proposals from the dataset instead of running a proposal generator.")
            .Value("MASK_ON", false, "Whether the model has an instance mask head.")
            .Value("KEYPOINT_ON", false, "Whether the model has a keypoint head.")
            .Value("DEVICE", "cuda", "Device the model runs on (\"cuda\" or \"cpu\").")
            .Value("META_ARCHITECTURE", "GeneralizedRCNN", "Name of the meta-architecture in the META_ARCH registry (GeneralizedRCNN, RetinaNet, ...).")
            .Value("WEIGHTS", "", "Path or URL (detectron2://..., https://...) of the checkpoint to load into the model.")
            .Value("PIXEL_MEAN", new[] { 103.530, 116.280, 123.675 }, "Per-channel mean subtracted from input images, in INPUT.FORMAT order (ImageNet mean in BGR).")
            .Value("PIXEL_STD", new[] { 1.0, 1.0, 1.0 }, "Per-channel std dividing input images: 1.0 for MSRA/Detectron1 models (absorbed into conv1), [57.375, 57.120, 58.395] for ImageNet std.");
}
