using System.Runtime.CompilerServices;
using D2Sharp.Backends.Host;

namespace D2Sharp.Backends.Cpu;

/// <summary>
/// The data transforms of Winograd F(4×4, 3×3) (Lavin and Gray's Bᵀ and Aᵀ, points 0, ±1, ±2, ∞):
/// a 6×6 input tile becomes V = Bᵀ·d·B, a 6×6 product tile M becomes the 4×4 output Aᵀ·M·A.
/// Written once over <see cref="ISimd{TVec}"/>, vectorised across channels (NHWC keeps a pixel's
/// channels contiguous); the channels past the last whole vector run as <see cref="ScalarSimd"/>.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Winograd<TSimd, TVec> where TSimd : struct, ISimd<TVec> where TVec : unmanaged
{
    /// <summary>
    /// V for channels [c, c + width) of one tile whose top-left input pixel is (top, left): point ξ
    /// of channel c goes to <paramref name="v"/>[ξ · pointStride + c]. Pixels outside the map read 0.
    /// </summary>
    public static void Input(FeatureMap x, int n, int top, int left, int c, float* zeros, float* v, long pointStride)
    {
        TVec* t = stackalloc TVec[36];
        for (int j = 0; j < 6; j++)
        {
            int ix = left + j;
            TVec d0 = Load(x, n, top, ix, c, zeros), d1 = Load(x, n, top + 1, ix, c, zeros), d2 = Load(x, n, top + 2, ix, c, zeros);
            TVec d3 = Load(x, n, top + 3, ix, c, zeros), d4 = Load(x, n, top + 4, ix, c, zeros), d5 = Load(x, n, top + 5, ix, c, zeros);
            InputColumn(d0, d1, d2, d3, d4, d5, out t[j], out t[6 + j], out t[12 + j], out t[18 + j], out t[24 + j], out t[30 + j]);
        }
        for (int i = 0; i < 6; i++)
        {
            TVec* row = t + 6 * i;
            InputColumn(row[0], row[1], row[2], row[3], row[4], row[5], out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
            float* target = v + 6 * i * pointStride + c;
            TSimd.Store(target, r0);
            TSimd.Store(target + pointStride, r1);
            TSimd.Store(target + 2 * pointStride, r2);
            TSimd.Store(target + 3 * pointStride, r3);
            TSimd.Store(target + 4 * pointStride, r4);
            TSimd.Store(target + 5 * pointStride, r5);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Load(FeatureMap x, int n, int y, int xx, int c, float* zeros) =>
        y >= 0 && y < x.H && xx >= 0 && xx < x.W ? TSimd.Load(x.Data + x.Index(n, y, xx, c)) : TSimd.Load(zeros);

    /// <summary>Bᵀ applied to one column (d0…d5) of a tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputColumn(TVec d0, TVec d1, TVec d2, TVec d3, TVec d4, TVec d5,
        out TVec r0, out TVec r1, out TVec r2, out TVec r3, out TVec r4, out TVec r5)
    {
        var d4MinusD2 = TSimd.Subtract(d4, d2);
        var d3MinusD1 = TSimd.Subtract(d3, d1);
        r0 = TSimd.Add(TSimd.Subtract(TSimd.Scale(d0, 4), TSimd.Scale(d2, 5)), d4);
        r1 = TSimd.Subtract(TSimd.Add(d3, d4), TSimd.Scale(TSimd.Add(d1, d2), 4));
        r2 = TSimd.Add(TSimd.Scale(TSimd.Subtract(d1, d2), 4), TSimd.Subtract(d4, d3));
        r3 = TSimd.Add(d4MinusD2, TSimd.Scale(d3MinusD1, 2));
        r4 = TSimd.Subtract(d4MinusD2, TSimd.Scale(d3MinusD1, 2));
        r5 = TSimd.Add(TSimd.Subtract(TSimd.Scale(d1, 4), TSimd.Scale(d3, 5)), d5);
    }

    /// <summary>
    /// The 4×4 output of one tile for channels [c, c + width): Aᵀ·M·A from
    /// <paramref name="m"/>[ξ · pointStride + c], then + bias (+ residual) and ReLU, stored into the
    /// pixels of the tile that lie inside the output.
    /// </summary>
    public static void Output(float* m, long pointStride, int c, FeatureMap y, FeatureMap? residual, int n, int top, int left,
        int channel, float* bias, bool relu)
    {
        TVec* s = stackalloc TVec[24]; // Aᵀ·M, 4 × 6
        for (int j = 0; j < 6; j++)
        {
            float* column = m + j * pointStride + c;
            OutputColumn(TSimd.Load(column), TSimd.Load(column + 6 * pointStride), TSimd.Load(column + 12 * pointStride),
                TSimd.Load(column + 18 * pointStride), TSimd.Load(column + 24 * pointStride), TSimd.Load(column + 30 * pointStride),
                out s[j], out s[6 + j], out s[12 + j], out s[18 + j]);
        }
        var b = TSimd.Load(bias + channel);
        for (int i = 0; i < 4 && top + i < y.H; i++)
        {
            TVec* row = s + 6 * i;
            OutputColumn(row[0], row[1], row[2], row[3], row[4], row[5], out var y0, out var y1, out var y2, out var y3);
            Store(y, residual, n, top + i, left, channel, TSimd.Add(y0, b), relu);
            Store(y, residual, n, top + i, left + 1, channel, TSimd.Add(y1, b), relu);
            Store(y, residual, n, top + i, left + 2, channel, TSimd.Add(y2, b), relu);
            Store(y, residual, n, top + i, left + 3, channel, TSimd.Add(y3, b), relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(FeatureMap y, FeatureMap? residual, int n, int row, int column, int channel, TVec value, bool relu)
    {
        if (column >= y.W) return;
        if (residual is { } r) value = TSimd.Add(value, TSimd.Load(r.Data + r.Index(n, row, column, channel)));
        if (relu) value = TSimd.Max(value, TSimd.Zero);
        TSimd.Store(y.Data + y.Index(n, row, column, channel), value);
    }

    /// <summary>Aᵀ applied to one column (m0…m5) of a product tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputColumn(TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5,
        out TVec y0, out TVec y1, out TVec y2, out TVec y3)
    {
        var sum12 = TSimd.Add(m1, m2);
        var diff12 = TSimd.Subtract(m1, m2);
        var sum34 = TSimd.Add(m3, m4);
        var diff34 = TSimd.Subtract(m3, m4);
        y0 = TSimd.Add(TSimd.Add(m0, sum12), sum34);
        y1 = TSimd.Add(diff12, TSimd.Scale(diff34, 2));
        y2 = TSimd.Add(sum12, TSimd.Scale(sum34, 4));
        y3 = TSimd.Add(TSimd.Add(diff12, TSimd.Scale(diff34, 8)), m5);
    }
}
