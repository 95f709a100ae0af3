using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="ConvTranspose2d"/> when the kernel equals the stride and there is no padding (the
/// mask head's 2×2 upsampling): every input pixel writes its own k×k block of output pixels, so
/// each tap (ky, kx) is a 1×1 convolution (a GEMM of input pixels × output channels) whose rows
/// land on the pixels (iy·k + ky, ix·k + kx), run on the convolutions' micro-kernel. Overlapping
/// kernels (the keypoint head's 4×4 stride 2) run the reference kernel this derives from.
/// </summary>
[SkipLocalsInit]
internal sealed class ConvTranspose2dKernel(CpuIsa isa) : Reference.Kernels.ConvTranspose2dKernel
{
    private const int Rows = GemmTile<PortableSimd, Vector<float>>.Rows;
    private const int TilesPerBlock = 8;

    /// <summary>One packed [Cout × Cin] weight per tap, each with the bias.</summary>
    private sealed class TapWeights(PackedConvWeights[] taps) : IDisposable
    {
        public PackedConvWeights[] Taps { get; } = taps;

        public void Dispose()
        {
            foreach (var t in Taps) t.Dispose();
        }
    }

    private static bool Blockwise(ConvTranspose2d op) => op.Kernel == op.Stride && op.Padding == 0;

    public override object? Bind(Node node, NodeWeights? weights)
    {
        var op = (ConvTranspose2d)node.Op;
        if (!Blockwise(op)) return base.Bind(node, weights);
        var w = weights ?? throw new ArgumentException($"ConvTranspose2d '{node.Name}' has no weights bound");
        int k = op.Kernel, cin = op.InChannels, cout = op.OutChannels;
        var taps = new PackedConvWeights[k * k];
        for (int tap = 0; tap < k * k; tap++)
        {
            var weight = new float[cout * cin];
            for (int co = 0; co < cout; co++)
                for (int ci = 0; ci < cin; ci++)
                    weight[co * cin + ci] = w.Weight[(ci * cout + co) * k * k + tap];
            taps[tap] = new PackedConvWeights(new NodeWeights(weight, w.Bias), cout, cin, 1, 1, 2 * CpuIsas.VectorWidth(isa));
        }
        return new TapWeights(taps);
    }

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        Blockwise((ConvTranspose2d)node.Op) ? 0 : base.ScratchBytes(node, plan, workers);

    private static int Blocks(int pixels) => (pixels + Rows * TilesPerBlock - 1) / (Rows * TilesPerBlock);

    public override void Run(KernelArgs args)
    {
        if (args.Bound is not TapWeights weights)
        {
            base.Run(args);
            return;
        }
        var x = args.Inputs[0].Shape;
        args.Parallel(weights.Taps.Length * weights.Taps[0].Panels * Blocks(x[0] * x[2] * x[3]));
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        if (args.Bound is not TapWeights)
        {
            base.Row(args, index, worker);
            return;
        }
        switch (isa)
        {
            case CpuIsa.Avx512: Block<Avx512Simd, Vector512<float>>(args, index); break;
            case CpuIsa.Avx2: Block<Avx2Simd, Vector256<float>>(args, index); break;
            default: Block<PortableSimd, Vector<float>>(args, index); break;
        }
    }

    private static unsafe void Block<TSimd, TVec>(KernelArgs args, int index) where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        var op = (ConvTranspose2d)args.Op;
        var taps = ((TapWeights)args.Bound!).Taps;
        var x = args.In(0);
        var y = args.Out(0);
        int pixels = x.N * x.H * x.W, blocks = Blocks(pixels), panels = taps[0].Panels;
        int tap = index / (panels * blocks), panel = index / blocks % panels, block = index % blocks;
        var packed = taps[tap];
        int k = op.Kernel, ky = tap / k, kx = tap % k, offset = panel * packed.Columns;
        int columns = Math.Min(packed.Columns, op.OutChannels - offset);
        bool relu = op.Activation == Activation.Relu;

        float** inputs = stackalloc float*[Rows];
        float** outputs = stackalloc float*[Rows];
        int first = block * Rows * TilesPerBlock, end = Math.Min(pixels, first + Rows * TilesPerBlock);
        for (int tile = first; tile < end; tile += Rows)
        {
            for (int r = 0; r < Rows; r++)
            {
                int pixel = tile + r;
                bool valid = pixel < end;
                int n = pixel / (x.H * x.W), iy = pixel / x.W % x.H, ix = pixel % x.W;
                inputs[r] = valid ? x.Data + (long)pixel * x.C : packed.Zeros;
                outputs[r] = valid ? y.Data + y.Index(n, iy * k + ky, ix * k + kx, offset) : null;
            }
            GemmTile<TSimd, TVec>.Run(inputs, 1, op.InChannels, packed.Panel(0, panel), new TileOutput(outputs, null, packed.Bias(0, panel), columns, relu));
        }
    }
}
