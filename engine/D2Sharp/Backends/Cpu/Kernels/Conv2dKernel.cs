using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="Conv2d"/> as an implicit GEMM: output pixels × output channels, reduced over taps ×
/// input channels by <see cref="GemmTile{TSimd, TVec}"/>, reading the NHWC input in place (each
/// tap of each pixel is a contiguous run of input channels; padding taps read a zero row), with
/// bias, residual and ReLU fused into the store. A 1×1 conv is a plain GEMM this way. With few
/// input channels per group (the stem's 3) those runs are too short to pay for their loop, so the
/// tile's receptive fields are first copied into one row per pixel (im2col of six pixels, in the
/// worker's scratch). Work is split into (group, panel, block of pixel tiles), so each task
/// reuses one weight panel from cache. 3×3 stride-1 convolutions go to <see cref="Conv2dWinograd"/>
/// when the backend's <see cref="CpuConvAlgorithm"/> says so; which is fixed per node at bind.
/// </summary>
[SkipLocalsInit]
internal sealed class Conv2dKernel(CpuIsa isa, CpuConvAlgorithm algorithm) : HostKernel
{
    private const int Rows = GemmTile<PortableSimd, Vector<float>>.Rows;

    /// <summary>Pixel tiles per task: enough work to amortise the hand-off, small enough to balance.</summary>
    private const int TilesPerBlock = 8;

    /// <summary>Input channels per group below which a tile's receptive fields are copied into rows first.</summary>
    private const int CopyBelowChannels = 16;

    public override object Bind(Node node, NodeWeights? weights)
    {
        var op = (Conv2d)node.Op;
        int columns = 2 * CpuIsas.VectorWidth(isa);
        return UsesWinograd(op)
            ? new WinogradWeights(weights, op.OutChannels, op.InChannels, columns)
            : new PackedConvWeights(weights, op.OutChannels, op.InChannels / op.Groups, op.Groups, op.KernelH * op.KernelW, columns);
    }

    private bool UsesWinograd(Conv2d op) => Conv2dWinograd.Applies(op) && algorithm switch
    {
        CpuConvAlgorithm.Winograd => true,
        CpuConvAlgorithm.Auto => Conv2dWinograd.Preferred(op),
        _ => false,
    };

    private static bool CopiesRows(Conv2d op) => op.InChannels / op.Groups < CopyBelowChannels;

    private static int RowLength(Conv2d op) => op.KernelH * op.KernelW * (op.InChannels / op.Groups);

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        var op = (Conv2d)node.Op;
        if (UsesWinograd(op)) return workers * Conv2dWinograd.ScratchBytes(op, 2 * CpuIsas.VectorWidth(isa));
        return CopiesRows(op) ? (long)workers * Rows * RowLength(op) * sizeof(float) : 0;
    }

    private static int Blocks(int pixels) => (pixels + Rows * TilesPerBlock - 1) / (Rows * TilesPerBlock);

    /// <summary>
    /// A task takes every panel of its pixel block when the group's packed weights fit this budget
    /// (the tile's inputs are then read once, for all output channels); otherwise one panel, whose
    /// weights it reuses over the block's tiles.
    /// </summary>
    private const long AllPanelsBudgetBytes = 512 * 1024;

    private static bool TasksTakeAllPanels(PackedConvWeights packed) => packed.Panels * packed.PanelBytes <= AllPanelsBudgetBytes;

    private static int TasksPerGroup(PackedConvWeights packed, int blocks) => TasksTakeAllPanels(packed) ? blocks : packed.Panels * blocks;

    public override void Run(KernelArgs args)
    {
        if (args.Bound is WinogradWeights winograd)
        {
            args.Parallel(Conv2dWinograd.Tasks(winograd, args.Outputs[0].Shape));
            return;
        }
        var op = (Conv2d)args.Op;
        var packed = (PackedConvWeights)args.Bound!;
        var y = args.Outputs[0].Shape;
        args.Parallel(op.Groups * TasksPerGroup(packed, Blocks(y[0] * y[2] * y[3])));
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        if (args.Bound is WinogradWeights)
        {
            switch (isa)
            {
                case CpuIsa.Avx512: Conv2dWinograd.Task<Avx512Simd, Vector512<float>>(args, index, worker); break;
                case CpuIsa.Avx2: Conv2dWinograd.Task<Avx2Simd, Vector256<float>>(args, index, worker); break;
                default: Conv2dWinograd.Task<PortableSimd, Vector<float>>(args, index, worker); break;
            }
            return;
        }
        switch (isa)
        {
            case CpuIsa.Avx512: Block<Avx512Simd, Vector512<float>>(args, index, worker); break;
            case CpuIsa.Avx2: Block<Avx2Simd, Vector256<float>>(args, index, worker); break;
            default: Block<PortableSimd, Vector<float>>(args, index, worker); break;
        }
    }

    /// <summary>
    /// One pixel's receptive field as one row, taps × input channels in the packed panel's order;
    /// zeros for taps in the padding (and for a pixel past the block's end). Without groups or
    /// dilation a kernel row inside the map is one contiguous run of NHWC input.
    /// </summary>
    private static unsafe void CopyReceptiveField(Conv2d op, FeatureMap x, PackedConvWeights packed, bool valid, int n, int oy, int ox, int firstInput, float* row)
    {
        int length = packed.InPerGroup, kernelRow = op.KernelW * length;
        int left = ox * op.Stride - op.Padding;
        bool contiguous = op.Groups == 1 && op.Dilation == 1 && left >= 0 && left + op.KernelW <= x.W;
        for (int i = 0; i < op.KernelH; i++, row += kernelRow)
        {
            int iy = oy * op.Stride - op.Padding + i * op.Dilation;
            if (!valid || iy < 0 || iy >= x.H)
            {
                new Span<float>(row, kernelRow).Clear();
                continue;
            }
            if (contiguous)
            {
                new ReadOnlySpan<float>(x.Data + x.Index(n, iy, left, 0), kernelRow).CopyTo(new Span<float>(row, kernelRow));
                continue;
            }
            for (int j = 0; j < op.KernelW; j++)
            {
                int ix = left + j * op.Dilation;
                var tap = new Span<float>(row + j * length, length);
                if (ix < 0 || ix >= x.W) tap.Clear();
                else new ReadOnlySpan<float>(x.Data + x.Index(n, iy, ix, firstInput), length).CopyTo(tap);
            }
        }
    }

    private static unsafe void Block<TSimd, TVec>(KernelArgs args, int index, int worker) where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        var op = (Conv2d)args.Op;
        var packed = (PackedConvWeights)args.Bound!;
        var x = args.In(0);
        var y = args.Out(0);
        FeatureMap? residual = op.HasResidual ? args.In(1) : null;
        int pixels = y.N * y.H * y.W, blocks = Blocks(pixels), tasks = TasksPerGroup(packed, blocks);
        int group = index / tasks, task = index % tasks;
        bool allPanels = TasksTakeAllPanels(packed);
        int block = allPanels ? task : task % blocks;
        int firstPanel = allPanels ? 0 : task / blocks, endPanel = allPanels ? packed.Panels : firstPanel + 1;
        int taps = op.KernelH * op.KernelW, firstInput = group * packed.InPerGroup, firstOutput = group * packed.OutPerGroup;
        bool copy = CopiesRows(op);
        int rowLength = RowLength(op);
        float* copied = copy ? (float*)args.Scratch + (long)worker * Rows * rowLength : null;
        bool relu = op.Activation == Activation.Relu;

        float** inputs = stackalloc float*[taps * Rows];
        float** outputRows = stackalloc float*[Rows];
        float** residualRows = stackalloc float*[Rows];
        float** outputs = stackalloc float*[Rows];
        float** residuals = stackalloc float*[Rows];
        int first = block * Rows * TilesPerBlock, end = Math.Min(pixels, first + Rows * TilesPerBlock);
        int n = first / (y.H * y.W), oy = first / y.W % y.H, ox = first % y.W;
        for (; first < end; first += Rows)
        {
            for (int r = 0; r < Rows; r++)
            {
                int pixel = first + r;
                bool valid = pixel < end;
                outputRows[r] = valid ? y.Data + (long)pixel * y.C + firstOutput : null;
                residualRows[r] = valid && residual is { } res ? res.Data + (long)pixel * res.C + firstOutput : null;
                if (copy)
                    CopyReceptiveField(op, x, packed, valid, n, oy, ox, firstInput, copied + r * rowLength);
                else
                    for (int i = 0; i < op.KernelH; i++)
                    {
                        int iy = oy * op.Stride - op.Padding + i * op.Dilation;
                        for (int j = 0; j < op.KernelW; j++)
                        {
                            int ix = ox * op.Stride - op.Padding + j * op.Dilation;
                            bool inside = valid && iy >= 0 && iy < x.H && ix >= 0 && ix < x.W;
                            inputs[(i * op.KernelW + j) * Rows + r] = inside ? x.Data + x.Index(n, iy, ix, firstInput) : packed.Zeros;
                        }
                    }
                if (valid && ++ox == y.W)
                {
                    ox = 0;
                    if (++oy == y.H) { oy = 0; n++; }
                }
            }
            int segments = taps, length = packed.InPerGroup;
            if (copy)
            {
                for (int r = 0; r < Rows; r++) inputs[r] = copied + r * rowLength;
                (segments, length) = (1, rowLength);
            }
            for (int panel = firstPanel; panel < endPanel; panel++)
            {
                int offset = panel * packed.Columns;
                for (int r = 0; r < Rows; r++)
                {
                    outputs[r] = outputRows[r] == null ? null : outputRows[r] + offset;
                    residuals[r] = residualRows[r] == null ? null : residualRows[r] + offset;
                }
                var tile = new TileOutput(outputs, residual == null ? null : residuals, packed.Bias(group, panel),
                    Math.Min(packed.Columns, packed.OutPerGroup - offset), relu);
                GemmTile<TSimd, TVec>.Run(inputs, segments, length, packed.Panel(group, panel), tile);
            }
        }
    }
}
