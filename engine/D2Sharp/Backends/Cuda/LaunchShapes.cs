namespace D2Sharp.Backends.Cuda;

/// <summary>
/// The grid and block each kernel of <c>kernels/</c> is launched with, shared by the CUDA backend
/// and the host-emulation tests so that both run the same thread mapping. Each kernel's header
/// comment names the helper it expects.
/// </summary>
internal static class LaunchShapes
{
    /// <summary>Threads per block of the 1-D kernels (D2_BLOCK in common.cuh).</summary>
    public const uint Block = 256;

    /// <summary>
    /// Enough blocks to give every element its own thread, capped: the kernels are grid-stride
    /// loops, and 2^16 blocks of 256 threads already fill an H100 (132 SMs × 2048 threads) 60 times.
    /// </summary>
    public const uint MaxBlocks = 1 << 16;

    /// <summary>One thread per element of a grid-stride kernel over <paramref name="count"/> elements (at least one block).</summary>
    public static (uint Grid, uint Block) Elementwise(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long blocks = (count + Block - 1) / Block;
        return ((uint)Math.Clamp(blocks, 1, MaxBlocks), Block);
    }

    /// <summary>d2_roi_align: a thread per element of the pooled [N·P, S, S, C] output.</summary>
    public static (uint Grid, uint Block) RoiAlign(int n, int p, int size, int c) => Elementwise((long)n * p * size * size * c);

    /// <summary>d2_conv_transpose2d: a thread per element of the NHWC [N, Ho, Wo, Cout] output.</summary>
    public static (uint Grid, uint Block) ConvTranspose2d(int n, int ho, int wo, int cout) => Elementwise((long)n * ho * wo * cout);

    /// <summary>d2_refine_boxes: a thread per box of the [N, P, 4] boxes.</summary>
    public static (uint Grid, uint Block) RefineBoxes(int n, int p) => Elementwise((long)n * p);

    /// <summary>d2_upsample_bilinear2x: a thread per element of the NHWC [N, 2H, 2W, C] output.</summary>
    public static (uint Grid, uint Block) UpsampleBilinear2x(int n, int h, int w, int c) => Elementwise((long)n * 2 * h * 2 * w * c);

    /// <summary>d2_box_decode: a thread per box of the [N, k, 4] output.</summary>
    public static (uint Grid, uint Block) BoxDecode(int n, int k) => Elementwise((long)n * k);

    /// <summary>d2_zero_unused_slots: a thread per element of the [images·slots, row] value.</summary>
    public static (uint Grid, uint Block) ZeroUnusedSlots(int images, int slots, long rowElements) => Elementwise(images * (long)slots * rowElements);

    /// <summary>Lanes that share one (pixel, tap) unit of d2_deform_im2col (D2_DEFORM_LANES): one warp.</summary>
    public const int DeformLanes = 32;

    /// <summary>d2_deform_im2col: a warp per (pixel, tap) unit over the N·Ho·Wo·K·K units.</summary>
    public static (uint Grid, uint Block) DeformIm2col(int n, int ho, int wo, int kernel) =>
        Elementwise((long)n * ho * wo * kernel * kernel * DeformLanes);

    /// <summary>Threads per block of d2_group_norm_stats (a power of two: its shared-memory tree halves it).</summary>
    public const uint GroupNormThreads = 256;

    /// <summary>d2_group_norm_stats: one block per (image, group).</summary>
    public static (uint Grid, uint Block) GroupNormStats(int n, int groups) => ((uint)(n * groups), GroupNormThreads);

    /// <summary>Threads per block of d2_top_k_select and d2_top_k_order (D2_TOP_K_THREADS in top_k.cu).</summary>
    public const uint TopKThreads = 256;

    /// <summary>d2_top_k_select: one block per batch item.</summary>
    public static (uint Grid, uint Block) TopKSelect(int n) => ((uint)n, TopKThreads);

    /// <summary>d2_top_k_order: a thread per output row, the batch item on y.</summary>
    public static ((uint X, uint Y, uint Z) Grid, (uint X, uint Y, uint Z) Block) TopKOrder(int n, int k) =>
        (((uint)((k + TopKThreads - 1) / TopKThreads), (uint)n, 1), (TopKThreads, 1, 1));

    /// <summary>Side of layout.cu's shared-memory tile, and its block's rows.</summary>
    public const uint Tile = 32, TileRows = 8;

    /// <summary>d2_nchw_to_nhwc / d2_nhwc_to_nchw: a 32 × 8 block per 32 × 32 tile of (pixels, channels), image on z.</summary>
    public static ((uint X, uint Y, uint Z) Grid, (uint X, uint Y, uint Z) Block) Layout(int n, int c, int hw) =>
        (((uint)((hw + Tile - 1) / Tile), (uint)((c + Tile - 1) / Tile), (uint)n), (Tile, TileRows, 1));
}
