namespace D2Sharp.Config.Defaults;

/// <summary><c>SOLVER</c>: optimizer, learning-rate schedule and batch size of training.</summary>
internal static class SolverDefaults
{
    public static void AddTo(DefaultsSection root)
    {
        DefaultsSection solver = root.Section("SOLVER", "Training optimizer and schedule.")
            .Value("LR_SCHEDULER_NAME", "WarmupMultiStepLR", "Learning-rate schedule: \"WarmupMultiStepLR\", \"WarmupCosineLR\", ...")
            .Value("MAX_ITER", 40000, "Number of training iterations.")
            .Value("BASE_LR", 0.001, "Base learning rate.")
            .Value("BASE_LR_END", 0.0, "Final learning rate of WarmupCosineLR.")
            .Value("MOMENTUM", 0.9, "SGD momentum.")
            .Value("NESTEROV", false, "Use Nesterov momentum.")
            .Value("WEIGHT_DECAY", 0.0001, "Weight decay.")
            .Value("WEIGHT_DECAY_NORM", 0.0, "Weight decay of the normalization layers' parameters (their affine terms).")
            .Value("GAMMA", 0.1, "Factor the learning rate is multiplied by at each of STEPS.")
            .Value("STEPS", new[] { 30000 }, "Iterations at which the learning rate is multiplied by GAMMA.")
            .Value("NUM_DECAYS", 3, "Number of decays of the WarmupStepWithFixedGammaLR schedule.")
            .Value("WARMUP_FACTOR", 1.0 / 1000, "Learning-rate factor at the start of warmup.")
            .Value("WARMUP_ITERS", 1000, "Number of warmup iterations.")
            .Value("WARMUP_METHOD", "linear", "Warmup curve: \"linear\" or \"constant\".")
            .Value("RESCALE_INTERVAL", false, "Rescale the schedule's interval after warmup.")
            .Value("CHECKPOINT_PERIOD", 5000, "Save a checkpoint every this many iterations.")
            .Value("IMS_PER_BATCH", 16, "Images per batch across all workers (images per iteration).")
            .Value("REFERENCE_WORLD_SIZE", 0, "Number of workers this config was tuned for; non-zero lets DefaultTrainer rescale batch size and learning rate.")
            .Value("BIAS_LR_FACTOR", 1.0, "Learning-rate factor of biases (2.0 in Detectron1).")
            .Value("WEIGHT_DECAY_BIAS", null, "Weight decay of biases; None means WEIGHT_DECAY.");
        solver.Section("CLIP_GRADIENTS", "Gradient clipping.")
            .Value("ENABLED", false, "Whether gradients are clipped.")
            .Value("CLIP_TYPE", "value", "\"value\" clips each gradient element, \"norm\" clips the norm of each parameter's gradient.")
            .Value("CLIP_VALUE", 1.0, "Maximum absolute value (or norm) of gradients.")
            .Value("NORM_TYPE", 2.0, "p of the L-p norm used by \"norm\" clipping (.inf for L-inf).");
        solver.Section("AMP", "Automatic mixed precision in training (inference is unaffected).")
            .Value("ENABLED", false, "Whether training uses automatic mixed precision.");
    }
}
