namespace D2Sharp.Tests.CudaKernels;

/// <summary>The tests' own NCHW ↔ NHWC conversions: the harness's tensors are NCHW, the kernels work on NHWC.</summary>
internal static class Nhwc
{
    public static float[] FromNchw(float[] x, int n, int c, int hw)
    {
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++)
                    y[((long)b * hw + p) * c + ch] = x[((long)b * c + ch) * hw + p];
        return y;
    }

    public static float[] ToNchw(ReadOnlySpan<float> x, int n, int c, int hw)
    {
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++)
                    y[((long)b * c + ch) * hw + p] = x[(int)(((long)b * hw + p) * c + ch)];
        return y;
    }

    /// <summary>A feature-map tensor [n, c, h, w] in NHWC.</summary>
    public static float[] FromNchw(Tensor t) => FromNchw(t.Data, t.Shape[0], t.Shape[1], t.Shape[2] * t.Shape[3]);
}
