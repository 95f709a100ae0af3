using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="Linear"/> as a GEMM on the convolutions' micro-kernel: each input row is one
/// "pixel" whose <see cref="Linear.InFeatures"/> values are contiguous (a feature map's NHWC row
/// is its (H, W, C) flattening, so the weight's columns are permuted to that order at bind).
/// Tasks are (panel of output columns, block of rows); the reduction runs in chunks that keep the
/// panel's slice in cache across the block's tiles, each chunk adding onto the previous ones' sums.
/// </summary>
[SkipLocalsInit]
internal sealed class LinearKernel(CpuIsa isa) : HostKernel
{
    private const int Rows = GemmTile<PortableSimd, Vector<float>>.Rows;
    private const int TilesPerBlock = 8;
    /// <summary>Input features per reduction chunk: 256 × 32 columns × 4 bytes = 32 KB of panel.</summary>
    private const int Chunk = 256;

    public override object Bind(Node node, NodeWeights? weights)
    {
        var op = (Linear)node.Op;
        var w = weights ?? throw new ArgumentException($"Linear '{node.Name}' has no weights bound");
        var input = node.Inputs[0];
        var ordered = input.IsFeatureMap ? ToPixelMajor(w.Weight, op.OutFeatures, input.Spec.Channels) : w.Weight;
        return new PackedConvWeights(new NodeWeights(ordered, w.Bias), op.OutFeatures, op.InFeatures, 1, 1, 2 * CpuIsas.VectorWidth(isa));
    }

    /// <summary>Weight columns from PyTorch's (C, H·W) flattening to NHWC's (H·W, C); the CUDA backend's Linear uses it too.</summary>
    internal static float[] ToPixelMajor(float[] weight, int outFeatures, int channels)
    {
        int inFeatures = weight.Length / outFeatures, plane = inFeatures / channels;
        var result = new float[weight.Length];
        for (int o = 0; o < outFeatures; o++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    result[o * inFeatures + p * channels + c] = weight[o * inFeatures + c * plane + p];
        return result;
    }

    private static int Blocks(int rows) => (rows + Rows * TilesPerBlock - 1) / (Rows * TilesPerBlock);

    public override void Run(KernelArgs args)
    {
        var packed = (PackedConvWeights)args.Bound!;
        args.Parallel(packed.Panels * Blocks(args.Outputs[0].Shape[0]));
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        switch (isa)
        {
            case CpuIsa.Avx512: Block<Avx512Simd, Vector512<float>>(args, index); break;
            case CpuIsa.Avx2: Block<Avx2Simd, Vector256<float>>(args, index); break;
            default: Block<PortableSimd, Vector<float>>(args, index); break;
        }
    }

    private static unsafe void Block<TSimd, TVec>(KernelArgs args, int index) where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        var op = (Linear)args.Op;
        var packed = (PackedConvWeights)args.Bound!;
        int rows = args.Outputs[0].Shape[0], inFeatures = op.InFeatures, outFeatures = op.OutFeatures;
        int blocks = Blocks(rows), panel = index / blocks, block = index % blocks;
        int offset = panel * packed.Columns, columns = Math.Min(packed.Columns, outFeatures - offset);
        float* x = (float*)args.Inputs[0].Data, y = (float*)args.Outputs[0].Data;
        float* weights = packed.Panel(0, panel);
        bool relu = op.Activation == Activation.Relu;

        float** inputs = stackalloc float*[Rows];
        float** outputs = stackalloc float*[Rows];
        int first = block * Rows * TilesPerBlock, end = Math.Min(rows, first + Rows * TilesPerBlock);
        for (int start = 0; start < inFeatures; start += Chunk)
        {
            int length = Math.Min(Chunk, inFeatures - start);
            bool firstChunk = start == 0, lastChunk = start + length == inFeatures;
            for (int tile = first; tile < end; tile += Rows)
            {
                for (int r = 0; r < Rows; r++)
                {
                    bool valid = tile + r < end;
                    inputs[r] = valid ? x + (long)(tile + r) * inFeatures + start : packed.Zeros + start;
                    outputs[r] = valid ? y + (long)(tile + r) * outFeatures + offset : null;
                }
                // Later chunks add onto the stored sums (as a residual) with no bias; packed.Zeros
                // holds InFeatures ≥ Chunk > Columns zeros whenever there is a later chunk.
                var output = new TileOutput(outputs, firstChunk ? null : outputs, firstChunk ? packed.Bias(0, panel) : packed.Zeros,
                    columns, relu && lastChunk);
                GemmTile<TSimd, TVec>.Run(inputs, 1, length, weights + (long)start * packed.Columns, output);
            }
        }
    }
}
