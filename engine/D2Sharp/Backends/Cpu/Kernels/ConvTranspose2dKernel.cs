using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="ConvTranspose2d"/> as stride² convolutions on the convolutions' micro-kernel: the
/// output pixels of one phase (oy mod stride, ox mod stride) are reached by the same taps (ky, kx)
/// — those with ky ≡ oy + padding (mod stride) — each from the input pixel
/// ((oy + padding − ky) / stride, …), so a phase is an implicit GEMM of its output pixels ×
/// output channels, reduced over its taps × input channels, with taps outside the input reading a
/// zero row. The mask head's 2×2 stride 2 has one tap per phase; the keypoint head's 4×4 stride 2
/// padding 1 has four. Kernels smaller than the stride run the reference kernel this derives from.
/// </summary>
[SkipLocalsInit]
internal sealed class ConvTranspose2dKernel(CpuIsa isa) : Reference.Kernels.ConvTranspose2dKernel
{
    private const int Rows = GemmTile<PortableSimd, Vector<float>>.Rows;
    private const int TilesPerBlock = 8;

    /// <summary>One phase: its taps (ky, kx) and their weights packed [tap][Cin][Cout panel], with the bias.</summary>
    private sealed record Phase(int Y, int X, (int Ky, int Kx)[] Taps, PackedConvWeights Weights);

    private sealed class PhaseWeights(Phase[] phases) : IDisposable
    {
        public Phase[] Phases { get; } = phases;

        public void Dispose()
        {
            foreach (var p in Phases) p.Weights.Dispose();
        }
    }

    private static bool Phased(ConvTranspose2d op) => op.Kernel >= op.Stride;

    public override object? Bind(Node node, NodeWeights? weights)
    {
        var op = (ConvTranspose2d)node.Op;
        if (!Phased(op)) return base.Bind(node, weights);
        var w = weights ?? throw new ArgumentException($"ConvTranspose2d '{node.Name}' has no weights bound");
        int k = op.Kernel, s = op.Stride, cin = op.InChannels, cout = op.OutChannels;
        var phases = new List<Phase>();
        for (int py = 0; py < s; py++)
            for (int px = 0; px < s; px++)
            {
                var taps = (from ky in Enumerable.Range(0, k) where Mod(py + op.Padding - ky, s) == 0
                            from kx in Enumerable.Range(0, k) where Mod(px + op.Padding - kx, s) == 0
                            select (ky, kx)).ToArray();
                // PackedConvWeights reads [Cout][Cin][tap].
                var weight = new float[cout * cin * taps.Length];
                for (int co = 0; co < cout; co++)
                    for (int ci = 0; ci < cin; ci++)
                        for (int t = 0; t < taps.Length; t++)
                            weight[(co * cin + ci) * taps.Length + t] = w.Weight[((ci * cout + co) * k + taps[t].ky) * k + taps[t].kx];
                phases.Add(new Phase(py, px, taps,
                    new PackedConvWeights(new NodeWeights(weight, w.Bias), cout, cin, 1, taps.Length, 2 * CpuIsas.VectorWidth(isa))));
            }
        return new PhaseWeights(phases.ToArray());
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        Phased((ConvTranspose2d)node.Op) ? 0 : base.ScratchBytes(node, plan, workers);

    /// <summary>Output rows and columns of one phase: the pixels p·stride + phase inside the output.</summary>
    private static (int H, int W) PhaseSize(Phase phase, int stride, int[] y) =>
        ((y[2] - phase.Y + stride - 1) / stride, (y[3] - phase.X + stride - 1) / stride);

    /// <summary>Blocks per phase: the largest phase's pixels (the first), so every phase has the same task count.</summary>
    private static int Blocks(Phase[] phases, int stride, int[] y)
    {
        var (h, w) = PhaseSize(phases[0], stride, y);
        return (y[0] * h * w + Rows * TilesPerBlock - 1) / (Rows * TilesPerBlock);
    }

    public override void Run(KernelArgs args)
    {
        if (args.Bound is not PhaseWeights weights)
        {
            base.Run(args);
            return;
        }
        var op = (ConvTranspose2d)args.Op;
        var phases = weights.Phases;
        args.Parallel(phases.Length * phases[0].Weights.Panels * Blocks(phases, op.Stride, args.Outputs[0].Shape));
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        if (args.Bound is not PhaseWeights)
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
        var phases = ((PhaseWeights)args.Bound!).Phases;
        var x = args.In(0);
        var y = args.Out(0);
        int s = op.Stride, panels = phases[0].Weights.Panels, blocks = Blocks(phases, s, args.Outputs[0].Shape);
        var phase = phases[index / (panels * blocks)];
        int panel = index / blocks % panels, block = index % blocks;
        var packed = phase.Weights;
        var (ph, pw) = PhaseSize(phase, s, args.Outputs[0].Shape);
        int pixels = y.N * ph * pw, offset = panel * packed.Columns, taps = phase.Taps.Length;
        int first = block * Rows * TilesPerBlock, end = Math.Min(pixels, first + Rows * TilesPerBlock);
        if (first >= end) return;
        int columns = Math.Min(packed.Columns, op.OutChannels - offset);
        bool relu = op.Activation == Activation.Relu;

        float** inputs = stackalloc float*[taps * Rows];
        float** outputs = stackalloc float*[Rows];
        for (int tile = first; tile < end; tile += Rows)
        {
            for (int r = 0; r < Rows; r++)
            {
                int pixel = tile + r;
                bool valid = pixel < end;
                int n = pixel / (ph * pw), oy = pixel / pw % ph * s + phase.Y, ox = pixel % pw * s + phase.X;
                outputs[r] = valid ? y.Data + y.Index(n, oy, ox, offset) : null;
                for (int t = 0; t < taps; t++)
                {
                    int iy = (oy + op.Padding - phase.Taps[t].Ky) / s, ix = (ox + op.Padding - phase.Taps[t].Kx) / s;
                    bool inside = valid && oy + op.Padding - phase.Taps[t].Ky >= 0 && ox + op.Padding - phase.Taps[t].Kx >= 0 && iy < x.H && ix < x.W;
                    inputs[t * Rows + r] = inside ? x.Data + x.Index(n, iy, ix, 0) : packed.Zeros;
                }
            }
            GemmTile<TSimd, TVec>.Run(inputs, taps, op.InChannels, packed.Panel(0, panel), new TileOutput(outputs, null, packed.Bias(0, panel), columns, relu));
        }
    }
}
