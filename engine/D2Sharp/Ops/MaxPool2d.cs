namespace D2Sharp.Ops;

/// <summary>
/// Max pooling as PyTorch's <c>F.max_pool2d</c> (ceil_mode false, padding reads −∞, a NaN in the
/// window wins): the ResNet stem (k3 s2 p1) and FPN's LastLevelMaxPool (k1 s2 p0, giving ceil(H/2)).
/// </summary>
public sealed class MaxPool2d : Op
{
    /// <summary>Square window size in pixels (torch <c>kernel_size</c>).</summary>
    public int Kernel { get; init; }
    /// <summary>Stride in pixels along H and W (torch <c>stride</c>).</summary>
    public int Stride { get; init; }
    /// <summary>Implicit −∞ padding in pixels on each side, at most half the kernel (torch <c>padding</c>).</summary>
    public int Padding { get; init; }

    /// <inheritdoc/>
    public override string Kind => "MaxPool2d";
    /// <inheritdoc/>
    public override bool IsRowWise => true;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "MaxPool2d input");
        if (Kernel <= 0 || Stride <= 0 || Padding < 0 || 2 * Padding > Kernel)
            throw new ShapeException($"MaxPool2d k={Kernel} s={Stride} p={Padding}: PyTorch needs k, s > 0 and padding at most half the kernel");
        int ho = Conv2d.OutputSize(x[2], Kernel, Stride, Padding, 1);
        int wo = Conv2d.OutputSize(x[3], Kernel, Stride, Padding, 1);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"MaxPool2d input {Tensor.ShapeString(x)} is too small for kernel {Kernel}");
        return [[x[0], x[1], ho, wo]];
    }

    /// <inheritdoc/>
    public override string Describe() => $"k={Kernel} s={Stride} p={Padding}";
}
