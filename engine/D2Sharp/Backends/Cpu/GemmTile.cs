using System.Runtime.CompilerServices;

namespace D2Sharp.Backends.Cpu;

/// <summary>Where a tile's rows go: output and residual row pointers (null: not stored / no residual), the bias, and the epilogue.</summary>
internal readonly unsafe struct TileOutput(float** rows, float** residual, float* bias, int columns, bool relu)
{
    /// <summary><see cref="GemmTile{TSimd, TVec}.Rows"/> pointers to the first column of each output row; a null row is not stored.</summary>
    public readonly float** Rows = rows;
    /// <summary>Residual row pointers, or null when the conv adds no residual.</summary>
    public readonly float** Residual = residual;
    /// <summary><see cref="GemmTile{TSimd, TVec}.Columns"/> bias values (zero past the valid columns).</summary>
    public readonly float* Bias = bias;
    /// <summary>How many of the tile's columns are output channels (the last panel may be partial).</summary>
    public readonly int Columns = columns;
    public readonly bool Relu = relu;
}

/// <summary>
/// The CPU backend's GEMM micro-kernel: a tile of <see cref="Rows"/> output pixels × <see cref="Columns"/>
/// output channels held in 12 vector registers. For each input value it broadcasts one element of
/// each row and multiply-adds it with two vectors of a packed weight panel. The reduction runs over
/// <c>segments</c> runs of <c>length</c> values (a convolution's taps × its input channels), each
/// run read through its own row pointers, so a convolution needs no im2col copy: padding taps
/// point at a zero row. The epilogue adds bias and residual and applies ReLU while storing.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmTile<TSimd, TVec> where TSimd : struct, ISimd<TVec> where TVec : struct
{
    /// <summary>Pixels per tile: 6 rows × 2 vectors are 12 accumulators, which leaves AVX2's 16 registers room for the operands.</summary>
    public const int Rows = 6;
    public static int Columns => 2 * TSimd.Width;

    /// <param name="rows">[segments][<see cref="Rows"/>] row pointers.</param>
    /// <param name="segments">Runs of the reduction (a convolution's taps), each with its own row pointers.</param>
    /// <param name="length">Values per run (input channels of one group).</param>
    /// <param name="b">The packed panel: [segments][length][<see cref="Columns"/>].</param>
    /// <param name="output">Where the rows go, and the epilogue.</param>
    public static void Run(float** rows, int segments, int length, float* b, in TileOutput output)
    {
        int width = TSimd.Width;
        // The sums leave the registers here, before the epilogue: accumulators live across a call
        // would be spilled by the JIT on every iteration of the loop below.
        float* sums = stackalloc float[Rows * 2 * width];
        TVec c00 = TSimd.Zero, c01 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero, c20 = TSimd.Zero, c21 = TSimd.Zero;
        TVec c30 = TSimd.Zero, c31 = TSimd.Zero, c40 = TSimd.Zero, c41 = TSimd.Zero, c50 = TSimd.Zero, c51 = TSimd.Zero;
        for (int s = 0; s < segments; s++)
        {
            float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
            rows += Rows;
            for (int k = 0; k < length; k++, b += 2 * width)
            {
                TVec b0 = TSimd.Load(b), b1 = TSimd.Load(b + width);
                TVec a = TSimd.Splat(r0[k]);
                c00 = TSimd.MultiplyAdd(a, b0, c00); c01 = TSimd.MultiplyAdd(a, b1, c01);
                a = TSimd.Splat(r1[k]);
                c10 = TSimd.MultiplyAdd(a, b0, c10); c11 = TSimd.MultiplyAdd(a, b1, c11);
                a = TSimd.Splat(r2[k]);
                c20 = TSimd.MultiplyAdd(a, b0, c20); c21 = TSimd.MultiplyAdd(a, b1, c21);
                a = TSimd.Splat(r3[k]);
                c30 = TSimd.MultiplyAdd(a, b0, c30); c31 = TSimd.MultiplyAdd(a, b1, c31);
                a = TSimd.Splat(r4[k]);
                c40 = TSimd.MultiplyAdd(a, b0, c40); c41 = TSimd.MultiplyAdd(a, b1, c41);
                a = TSimd.Splat(r5[k]);
                c50 = TSimd.MultiplyAdd(a, b0, c50); c51 = TSimd.MultiplyAdd(a, b1, c51);
            }
        }
        TSimd.Store(sums, c00); TSimd.Store(sums + width, c01);
        TSimd.Store(sums + 2 * width, c10); TSimd.Store(sums + 3 * width, c11);
        TSimd.Store(sums + 4 * width, c20); TSimd.Store(sums + 5 * width, c21);
        TSimd.Store(sums + 6 * width, c30); TSimd.Store(sums + 7 * width, c31);
        TSimd.Store(sums + 8 * width, c40); TSimd.Store(sums + 9 * width, c41);
        TSimd.Store(sums + 10 * width, c50); TSimd.Store(sums + 11 * width, c51);
        for (int r = 0; r < Rows; r++) Store(r, sums + r * 2 * width, output);
    }

    /// <summary>Row <paramref name="r"/> of the tile: + bias (+ residual), ReLU, stored (only the valid columns).</summary>
    private static void Store(int r, float* sums, in TileOutput output)
    {
        float* target = output.Rows[r];
        if (target == null) return;
        float* residual = output.Residual == null ? null : output.Residual[r];
        int width = TSimd.Width;
        if (output.Columns == 2 * width)
        {
            TVec v0 = TSimd.Add(TSimd.Load(sums), TSimd.Load(output.Bias));
            TVec v1 = TSimd.Add(TSimd.Load(sums + width), TSimd.Load(output.Bias + width));
            if (residual != null)
            {
                v0 = TSimd.Add(v0, TSimd.Load(residual));
                v1 = TSimd.Add(v1, TSimd.Load(residual + width));
            }
            if (output.Relu)
            {
                v0 = TSimd.Max(v0, TSimd.Zero);
                v1 = TSimd.Max(v1, TSimd.Zero);
            }
            TSimd.Store(target, v0);
            TSimd.Store(target + width, v1);
            return;
        }
        // The last panel of a conv whose output channels are not a multiple of Columns.
        for (int c = 0; c < output.Columns; c++)
        {
            float value = sums[c] + output.Bias[c];
            if (residual != null) value += residual[c];
            target[c] = output.Relu ? MathF.Max(value, 0f) : value;
        }
    }
}
