using System.Numerics;
using System.Runtime.CompilerServices;
using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="Conv2d"/> by Winograd F(4×4, 3×3): 36 multiplications per 4×4 output tile and
/// channel pair instead of 144. A task takes a block of <see cref="TilesPerTask"/> output tiles and
/// a chunk of output channels: it transforms the tiles' 6×6 input patches (V = Bᵀ·d·B, all input
/// channels, into the worker's scratch), runs one GEMM per transform point ξ on the register-tile
/// micro-kernel (M[ξ] = V[ξ] · U[ξ], with U packed at bind), and transforms the products back
/// (Aᵀ·M·A), adding bias and residual and applying ReLU as it stores the 4×4 pixels.
/// </summary>
[SkipLocalsInit]
internal static class Conv2dWinograd
{
    private const int Points = WinogradWeights.Points;

    /// <summary>Output tiles per task: a multiple of the micro-kernel's six rows.</summary>
    private const int TilesPerTask = 24;

    /// <summary>Output channels per task, so that a task's share of U stays in cache.</summary>
    private const int ChannelsPerTask = 64;

    public static bool Applies(Conv2d op) =>
        op.KernelH == 3 && op.KernelW == 3 && op.Stride == 1 && op.Dilation == 1 && op.Groups == 1;

    /// <summary>
    /// Where <see cref="CpuConvAlgorithm.Auto"/> takes Winograd. Measured on AVX-512 at 100×168
    /// (2 threads): 1.4× faster than direct with 8 channels, 1.6–2.1× with 16–64, 1.5–2.5× at
    /// R50-FPN's shapes; it loses only on maps of a few tiles (256 channels at 7×10: 0.9×; 512 at
    /// 4×6: 0.5×), which COCO-sized inputs do not have for stride-1 3×3 layers. The choice is made
    /// once per session, when the weights are packed, so it cannot depend on the input size.
    /// </summary>
    public static bool Preferred(Conv2d op) => op.InChannels >= 16 && op.OutChannels >= 16;

    private static int PanelsPerTask(int columns) => Math.Max(1, ChannelsPerTask / columns);

    private static long ChunkColumns(int columns) => (long)PanelsPerTask(columns) * columns;

    /// <summary>One worker's V (36 × tiles × input channels) and M (36 × tiles × chunk) in floats, in bytes.</summary>
    public static long ScratchBytes(Conv2d op, int columns) =>
        (long)Points * TilesPerTask * (op.InChannels + ChunkColumns(columns)) * sizeof(float);

    private static (int TilesY, int TilesX, int Tiles) Tiling(int[] output) =>
        ((output[2] + 3) / 4, (output[3] + 3) / 4, output[0] * ((output[2] + 3) / 4) * ((output[3] + 3) / 4));

    private static int Chunks(WinogradWeights w) => (w.Panels + PanelsPerTask(w.Columns) - 1) / PanelsPerTask(w.Columns);

    public static int Tasks(WinogradWeights w, int[] output) =>
        (Tiling(output).Tiles + TilesPerTask - 1) / TilesPerTask * Chunks(w);

    public static unsafe void Task<TSimd, TVec>(KernelArgs args, int index, int worker) where TSimd : struct, ISimd<TVec> where TVec : unmanaged
    {
        var op = (Conv2d)args.Op;
        var w = (WinogradWeights)args.Bound!;
        var x = args.In(0);
        var y = args.Out(0);
        FeatureMap? residual = op.HasResidual ? args.In(1) : null;
        var (tilesY, tilesX, tiles) = Tiling(args.Outputs[0].Shape);
        int blocks = (tiles + TilesPerTask - 1) / TilesPerTask;
        int block = index % blocks, chunk = index / blocks;
        int panelsPerTask = PanelsPerTask(w.Columns);
        int firstPanel = chunk * panelsPerTask, endPanel = Math.Min(w.Panels, firstPanel + panelsPerTask);
        int firstChannel = firstPanel * w.Columns, endChannel = Math.Min(w.OutChannels, endPanel * w.Columns);
        long chunkColumns = ChunkColumns(w.Columns);
        long vStride = (long)TilesPerTask * w.InChannels, mStride = TilesPerTask * chunkColumns;
        float* v = (float*)args.Scratch + (long)worker * Points * TilesPerTask * (w.InChannels + chunkColumns);
        float* m = v + Points * vStride;
        int width = TSimd.Width, firstTile = block * TilesPerTask, count = Math.Min(TilesPerTask, tiles - firstTile);

        for (int t = 0; t < count; t++)
        {
            var (n, top, left) = Tile(firstTile + t, tilesY, tilesX);
            float* tileV = v + (long)t * w.InChannels;
            int c = 0;
            for (; c <= w.InChannels - width; c += width)
                Winograd<TSimd, TVec>.Input(x, n, top - op.Padding, left - op.Padding, c, w.Zeros, tileV, vStride);
            for (; c < w.InChannels; c++)
                Winograd<ScalarSimd, float>.Input(x, n, top - op.Padding, left - op.Padding, c, w.Zeros, tileV, vStride);
        }

        const int rows = GemmTile<PortableSimd, Vector<float>>.Rows;
        float** inputs = stackalloc float*[rows];
        float** outputs = stackalloc float*[rows];
        for (int point = 0; point < Points; point++)
        {
            for (int first = 0; first < count; first += rows)
            {
                for (int r = 0; r < rows; r++)
                    inputs[r] = v + point * vStride + (long)Math.Min(first + r, count - 1) * w.InChannels;
                for (int panel = firstPanel; panel < endPanel; panel++)
                {
                    for (int r = 0; r < rows; r++)
                        outputs[r] = first + r < count ? m + point * mStride + (first + r) * chunkColumns + (panel - firstPanel) * w.Columns : null;
                    GemmTile<TSimd, TVec>.Run(inputs, 1, w.InChannels, w.Panel(point, panel), new TileOutput(outputs, null, w.Zeros, w.Columns, false));
                }
            }
        }

        bool relu = op.Activation == Activation.Relu;
        for (int t = 0; t < count; t++)
        {
            var (n, top, left) = Tile(firstTile + t, tilesY, tilesX);
            float* tileM = m + t * chunkColumns;
            int c = firstChannel;
            for (; c <= endChannel - width; c += width)
                Winograd<TSimd, TVec>.Output(tileM, mStride, c - firstChannel, y, residual, n, top, left, c, w.Bias, relu);
            for (; c < endChannel; c++)
                Winograd<ScalarSimd, float>.Output(tileM, mStride, c - firstChannel, y, residual, n, top, left, c, w.Bias, relu);
        }
    }

    /// <summary>The sample and top-left output pixel of tile <paramref name="tile"/> (tiles row-major per sample).</summary>
    private static (int N, int Top, int Left) Tile(int tile, int tilesY, int tilesX) =>
        (tile / (tilesY * tilesX), tile / tilesX % tilesY * 4, tile % tilesX * 4);
}
