using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="DeformConv2d"/>: for each tile of six output pixels, the deformed receptive fields
/// are gathered straight into one row per pixel (mask · bilinear sample of contiguous NHWC channel
/// vectors, in torchvision's float32 operation order), then every weight group and panel runs the
/// GEMM micro-kernel on those rows. No full-size column buffer: a tile's rows are the worker's
/// scratch. Parallel over blocks of tiles.
/// </summary>
[SkipLocalsInit]
internal sealed class DeformConv2dKernel(CpuIsa isa) : HostKernel
{
    private const int Rows = GemmTile<PortableSimd, Vector<float>>.Rows;
    private const int TilesPerBlock = 2;

    public override object Bind(Node node, NodeWeights? weights)
    {
        var op = (DeformConv2d)node.Op;
        return new PackedConvWeights(weights, op.OutChannels, op.InChannels / op.Groups, op.Groups, op.Kernel * op.Kernel, 2 * CpuIsas.VectorWidth(isa));
    }

    /// <summary>A gathered row: per weight group, taps × that group's input channels.</summary>
    private static int RowLength(DeformConv2d op) => op.Kernel * op.Kernel * op.InChannels;

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        (long)workers * Rows * RowLength((DeformConv2d)node.Op) * sizeof(float);

    private static int Blocks(int pixels) => (pixels + Rows * TilesPerBlock - 1) / (Rows * TilesPerBlock);

    public override void Run(KernelArgs args)
    {
        var y = args.Outputs[0].Shape;
        args.Parallel(Blocks(y[0] * y[2] * y[3]));
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        switch (isa)
        {
            case CpuIsa.Avx512: Block<Avx512Simd, Vector512<float>>(args, index, worker); break;
            case CpuIsa.Avx2: Block<Avx2Simd, Vector256<float>>(args, index, worker); break;
            default: Block<PortableSimd, Vector<float>>(args, index, worker); break;
        }
    }

    private static unsafe void Block<TSimd, TVec>(KernelArgs args, int index, int worker) where TSimd : struct, ISimd<TVec> where TVec : struct
    {
        var op = (DeformConv2d)args.Op;
        var packed = (PackedConvWeights)args.Bound!;
        var x = args.In(0);
        var offsets = args.In(1);
        var y = args.Out(0);
        int pixels = y.N * y.H * y.W, taps = op.Kernel * op.Kernel, rowLength = RowLength(op);
        int groupLength = taps * packed.InPerGroup;
        float* gathered = (float*)args.Scratch + (long)worker * Rows * rowLength;
        bool relu = op.Activation == Activation.Relu;

        float** inputs = stackalloc float*[Rows];
        float** outputs = stackalloc float*[Rows];
        int first = index * Rows * TilesPerBlock, end = Math.Min(pixels, first + Rows * TilesPerBlock);
        for (; first < end; first += Rows)
        {
            for (int r = 0; r < Rows; r++)
            {
                int pixel = first + r;
                float* row = gathered + r * rowLength;
                if (pixel < end)
                    Gather(op, packed.InPerGroup, x, offsets, pixel / (y.H * y.W), pixel / y.W % y.H, pixel % y.W, new Span<float>(row, rowLength));
                else
                    new Span<float>(row, rowLength).Clear();
            }
            for (int group = 0; group < op.Groups; group++)
            {
                for (int r = 0; r < Rows; r++) inputs[r] = gathered + r * rowLength + group * groupLength;
                for (int panel = 0; panel < packed.Panels; panel++)
                {
                    int offset = group * packed.OutPerGroup + panel * packed.Columns;
                    for (int r = 0; r < Rows; r++)
                        outputs[r] = first + r < end ? y.Data + (long)(first + r) * y.C + offset : null;
                    var tile = new TileOutput(outputs, null, packed.Bias(group, panel),
                        Math.Min(packed.Columns, packed.OutPerGroup - panel * packed.Columns), relu);
                    GemmTile<TSimd, TVec>.Run(inputs, 1, groupLength, packed.Panel(group, panel), tile);
                }
            }
        }
    }

    /// <summary>
    /// One output pixel's gathered row: for weight group g, tap k and channel c of the group,
    /// row[(g·taps + k)·inPerGroup + c] = mask · bilinear sample of input channel g·inPerGroup + c,
    /// whose offsets are those of its deformable group. Runs of channels that share both groups are
    /// contiguous in the input and in the row, so each is one vector loop.
    /// </summary>
    private static void Gather(DeformConv2d op, int inPerGroup, FeatureMap x, FeatureMap offsets, int n, int oy, int ox, Span<float> row)
    {
        int taps = op.Kernel * op.Kernel, perDeformable = op.InChannels / op.DeformableGroups, firstMask = 2 * taps * op.DeformableGroups;
        var offset = offsets.Pixel(n, oy, ox);
        for (int dg = 0; dg < op.DeformableGroups; dg++)
        {
            for (int k = 0; k < taps; k++)
            {
                float dy = offset[2 * (dg * taps + k)], dx = offset[2 * (dg * taps + k) + 1];
                float mask = op.Modulated ? 1f / (1f + MathF.Exp(-offset[firstMask + dg * taps + k])) : 1f;
                float sy = oy * op.Stride - op.Padding + k / op.Kernel * op.Dilation + dy;
                float sx = ox * op.Stride - op.Padding + k % op.Kernel * op.Dilation + dx;
                for (int c = dg * perDeformable; c < (dg + 1) * perDeformable;)
                {
                    int group = c / inPerGroup, local = c % inPerGroup;
                    int run = Math.Min((dg + 1) * perDeformable, (group + 1) * inPerGroup) - c;
                    Sample(x, n, c, sy, sx, mask, row.Slice((group * taps + k) * inPerGroup + local, run));
                    c += run;
                }
            }
        }
    }

    /// <summary>dst[i] = mask · bilinear(x[n, :, :, firstChannel + i]) at (y, x), with the reference's rules and operation order.</summary>
    private static void Sample(FeatureMap input, int n, int firstChannel, float y, float x, float mask, Span<float> dst)
    {
        if (y <= -1 || y >= input.H || x <= -1 || x >= input.W)
        {
            dst.Fill(mask * 0f);
            return;
        }
        int y0 = (int)MathF.Floor(y), x0 = (int)MathF.Floor(x), y1 = y0 + 1, x1 = x0 + 1;
        float ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
        float w00 = hy * hx, w01 = hy * lx, w10 = ly * hx, w11 = ly * lx;
        ReadOnlySpan<float> p00 = y0 >= 0 && x0 >= 0 ? input.Pixel(n, y0, x0).Slice(firstChannel, dst.Length) : default;
        ReadOnlySpan<float> p01 = y0 >= 0 && x1 <= input.W - 1 ? input.Pixel(n, y0, x1).Slice(firstChannel, dst.Length) : default;
        ReadOnlySpan<float> p10 = y1 <= input.H - 1 && x0 >= 0 ? input.Pixel(n, y1, x0).Slice(firstChannel, dst.Length) : default;
        ReadOnlySpan<float> p11 = y1 <= input.H - 1 && x1 <= input.W - 1 ? input.Pixel(n, y1, x1).Slice(firstChannel, dst.Length) : default;
        int i = 0;
        if (!p00.IsEmpty && !p01.IsEmpty && !p10.IsEmpty && !p11.IsEmpty)
        {
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = w00 * new Vector<float>(p00[i..]) + w01 * new Vector<float>(p01[i..])
                        + w10 * new Vector<float>(p10[i..]) + w11 * new Vector<float>(p11[i..]);
                (mask * v).CopyTo(dst[i..]);
            }
        }
        for (; i < dst.Length; i++)
        {
            float v00 = p00.IsEmpty ? 0f : p00[i], v01 = p01.IsEmpty ? 0f : p01[i];
            float v10 = p10.IsEmpty ? 0f : p10[i], v11 = p11.IsEmpty ? 0f : p11[i];
            dst[i] = mask * (w00 * v00 + w01 * v01 + w10 * v10 + w11 * v11);
        }
    }
}
