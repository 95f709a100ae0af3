namespace D2Sharp.Config.Defaults;

/// <summary><c>INPUT</c>, <c>DATASETS</c> and <c>DATALOADER</c>: what images come in and how they are resized.</summary>
internal static class InputDefaults
{
    public static void AddTo(DefaultsSection root)
    {
        DefaultsSection input = root.Section("INPUT", "Image loading, resizing and augmentation.")
            .Value("MIN_SIZE_TRAIN", new[] { 800 }, "Sizes of the shortest image side during training (one is picked per image, see MIN_SIZE_TRAIN_SAMPLING).")
            .Value("MIN_SIZE_TRAIN_SAMPLING", "choice", "How the training shortest side is picked from MIN_SIZE_TRAIN: \"choice\" or \"range\".")
            .Value("MAX_SIZE_TRAIN", 1333, "Maximum size of the longest image side during training.")
            .Value("MIN_SIZE_TEST", 800, "Size of the shortest image side at test time; 0 disables resizing at test time.")
            .Value("MAX_SIZE_TEST", 1333, "Maximum size of the longest image side at test time.")
            .Value("RANDOM_FLIP", "horizontal", "Random flip used in training augmentation: \"horizontal\", \"vertical\" or \"none\".");
        input.Section("CROP", "Random cropping used in training augmentation.")
            .Value("ENABLED", false, "Whether training images are randomly cropped.")
            .Value("TYPE", "relative_range", "Crop type of detectron2.data.transforms.RandomCrop: \"relative_range\", \"relative\", \"absolute\", ...")
            .Value("SIZE", new[] { 0.9, 0.9 }, "Crop size: a fraction in (0, 1] for relative types, pixels for \"absolute\".");
        input
            .Value("FORMAT", "BGR", "Channel order the model expects: a PIL mode (RGB, YUV, ...) or BGR.")
            .Value("MASK_FORMAT", "polygon", "Ground-truth mask format used in training: \"polygon\" or \"bitmask\".");

        root.Section("DATASETS", "Registered dataset names used for training and testing.")
            .Value("TRAIN", DefaultsSection.Empty, "Names of the training datasets (registered in DatasetCatalog); they are concatenated.")
            .Value("PROPOSAL_FILES_TRAIN", DefaultsSection.Empty, "Precomputed proposal files for the training datasets, one per dataset in DATASETS.TRAIN.")
            .Value("PRECOMPUTED_PROPOSAL_TOPK_TRAIN", 2000, "Number of top-scoring precomputed proposals kept per image in training.")
            .Value("TEST", DefaultsSection.Empty, "Names of the test datasets (registered in DatasetCatalog).")
            .Value("PROPOSAL_FILES_TEST", DefaultsSection.Empty, "Precomputed proposal files for the test datasets, one per dataset in DATASETS.TEST.")
            .Value("PRECOMPUTED_PROPOSAL_TOPK_TEST", 1000, "Number of top-scoring precomputed proposals kept per image at test time.");

        root.Section("DATALOADER", "Training data loading.")
            .Value("NUM_WORKERS", 4, "Number of data loading worker processes.")
            .Value("ASPECT_RATIO_GROUPING", true, "Batch only images of compatible aspect ratio (portrait with portrait, landscape with landscape).")
            .Value("SAMPLER_TRAIN", "TrainingSampler", "Training sampler: \"TrainingSampler\" or \"RepeatFactorTrainingSampler\".")
            .Value("REPEAT_THRESHOLD", 0.0, "Repeat threshold of RepeatFactorTrainingSampler.")
            .Value("REPEAT_SQRT", true, "Take the square root when computing RepeatFactorTrainingSampler's repeat factors.")
            .Value("FILTER_EMPTY_ANNOTATIONS", true, "Drop training images without instance annotations.");
    }
}
