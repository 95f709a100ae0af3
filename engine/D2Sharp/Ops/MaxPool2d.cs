namespace D2Sharp.Ops;

/// <summary>
/// Max pooling as PyTorch's <c>F.max_pool2d</c> (ceil_mode false, padding reads −∞): the ResNet stem
/// (k3 s2 p1) and FPN's LastLevelMaxPool (k1 s2 p0, giving ceil(H/2)).
/// </summary>
public sealed class MaxPool2d : Op
{
    public int Kernel { get; init; }
    public int Stride { get; init; }
    public int Padding { get; init; }

    public override string Kind => "MaxPool2d";

    public override int[] InferShape(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "MaxPool2d input");
        int ho = Conv2d.OutputSize(x[2], Kernel, Stride, Padding, 1);
        int wo = Conv2d.OutputSize(x[3], Kernel, Stride, Padding, 1);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"MaxPool2d input {Tensor.ShapeString(x)} is too small for kernel {Kernel}");
        return [x[0], x[1], ho, wo];
    }

    public override string Describe() => $"k={Kernel} s={Stride} p={Padding}";

    /// <summary>
    /// y = the maximum over each window; taps in the padding are skipped, which is what reading −∞
    /// there amounts to (PyTorch keeps padding below kernel/2, so every window holds a real pixel).
    /// A NaN in the window wins, as in PyTorch.
    /// </summary>
    public void Reference(FeatureMap x, FeatureMap y)
    {
        int ho = Conv2d.OutputSize(x.H, Kernel, Stride, Padding, 1);
        int wo = Conv2d.OutputSize(x.W, Kernel, Stride, Padding, 1);
        ExpectExtents(y, x.N, x.C, ho, wo, "MaxPool2d output");
        for (int n = 0; n < x.N; n++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    for (int c = 0; c < x.C; c++)
                        y[n, oy, ox, c] = WindowMax(x, n, oy * Stride - Padding, ox * Stride - Padding, c);
    }

    private float WindowMax(FeatureMap x, int n, int top, int left, int c)
    {
        float max = float.NegativeInfinity;
        for (int iy = Math.Max(top, 0); iy < Math.Min(top + Kernel, x.H); iy++)
        {
            for (int ix = Math.Max(left, 0); ix < Math.Min(left + Kernel, x.W); ix++)
            {
                float value = x[n, iy, ix, c];
                if (value > max || float.IsNaN(value)) max = value;
            }
        }
        return max;
    }
}
