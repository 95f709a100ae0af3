namespace D2Sharp.Config.Defaults;

/// <summary><c>TEST</c> and the top-level keys after it (<c>OUTPUT_DIR</c>, <c>SEED</c>, ..., <c>GLOBAL</c>).</summary>
internal static class TestAndMiscDefaults
{
    public static void AddTo(DefaultsSection root)
    {
        DefaultsSection test = root.Section("TEST", "Evaluation options.")
            .Value("EXPECTED_RESULTS", DefaultsSection.Empty, "Expected metrics for end-to-end tests: [task, metric, value, tolerance] items.")
            .Value("EVAL_PERIOD", 0, "Evaluate every this many training iterations; 0 disables it.")
            .Value("KEYPOINT_OKS_SIGMAS", DefaultsSection.Empty, "Sigmas of the keypoint OKS metric, one per keypoint; empty means COCO's.")
            .Value("DETECTIONS_PER_IMAGE", 100, "Maximum detections returned per image.");
        test.Section("AUG", "Test-time augmentation.")
            .Value("ENABLED", false, "Whether test-time augmentation is used.")
            .Value("MIN_SIZES", new[] { 400, 500, 600, 700, 800, 900, 1000, 1100, 1200 }, "Shortest-side sizes the image is resized to.")
            .Value("MAX_SIZE", 4000, "Maximum longest-side size.")
            .Value("FLIP", true, "Also run on horizontally flipped images.");
        test.Section("PRECISE_BN", "Recompute BatchNorm statistics precisely before evaluation.")
            .Value("ENABLED", false, "Whether precise BN statistics are computed.")
            .Value("NUM_ITER", 200, "Number of iterations used to compute them.");

        root
            .Value("OUTPUT_DIR", "./output", "Directory where output files are written.")
            .Value("SEED", -1, "Random seed; negative means fully random.")
            .Value("CUDNN_BENCHMARK", false, "Let cuDNN benchmark its algorithms (helps when input sizes repeat).")
            .Value("FLOAT32_PRECISION", "", "PyTorch matmul/cuDNN float32 precision: \"\" (unchanged), \"highest\", \"high\" or \"medium\".")
            .Value("VIS_PERIOD", 0, "Visualize training minibatches every this many iterations; 0 disables it.");
        root.Section("GLOBAL", "Global config for quick hacks, reachable from anywhere through detectron2.config.global_cfg.")
            .Value("HACK", 1.0, "Placeholder key of the global config.");
    }
}
