using D2Sharp.Graph;

namespace D2Sharp.Ops;

/// <summary>
/// <c>nn.ConvTranspose2d</c> (one group, no dilation or output padding) with an optional fused
/// ReLU: y[n, co, oy, ox] = act(bias[co] + Σ x[n, ci, iy, ix] · weight[ci, co, ky, kx]) over every
/// (iy, ky) with oy = iy·stride − padding + ky, and likewise for x. Detectron2's mask head
/// upsamples with kernel 2, stride 2; the keypoint head with kernel 4, stride 2, padding 1.
/// Input x [N, Cin, H, W]; output [N, Cout, (H − 1)·stride − 2·padding + kernel, …].
/// Weight layout is PyTorch's [Cin, Cout, KH, KW].
/// </summary>
public sealed class ConvTranspose2d : Op
{
    /// <summary>Cin: channels of the input x.</summary>
    public int InChannels { get; init; }
    /// <summary>Cout: channels of the output.</summary>
    public int OutChannels { get; init; }
    /// <summary>Square kernel size in pixels (torch <c>kernel_size</c>; 2 in the mask head, 4 in the keypoint head).</summary>
    public int Kernel { get; init; }
    /// <summary>Upsampling factor along H and W (torch <c>stride</c>); 1 by default.</summary>
    public int Stride { get; init; } = 1;
    /// <summary>Torch <c>padding</c>: pixels cropped from each side of the full transposed output; 0 by default.</summary>
    public int Padding { get; init; }
    /// <summary>Whether the op has a <c>bias</c> [Cout] parameter; true by default, as <c>nn.ConvTranspose2d</c>.</summary>
    public bool HasBias { get; init; } = true;
    /// <summary>Activation applied last; <see cref="Activation.None"/> by default.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "ConvTranspose2d";
    /// <inheritdoc/>
    public override bool IsRowWise => true;

    /// <summary>Output length along one dimension: (size − 1)·stride − 2·padding + kernel.</summary>
    /// <param name="size">Input length in pixels.</param>
    /// <param name="kernel">Kernel length.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Padding cropped from each side.</param>
    public static int OutputSize(int size, int kernel, int stride, int padding) => (size - 1) * stride - 2 * padding + kernel;

    /// <inheritdoc/>
    public override int[][] InferShapes(IReadOnlyList<int[]> inputs)
    {
        var x = inputs[0];
        ExpectRank(x, 4, "ConvTranspose2d input");
        if (x[1] != InChannels) throw new ShapeException($"ConvTranspose2d expects {InChannels} input channels, got {x[1]}");
        if (Kernel <= 0 || Stride <= 0 || Padding < 0 || OutChannels <= 0)
            throw new ShapeException($"ConvTranspose2d needs a positive kernel, stride and output channels and padding ≥ 0 ({Describe()})");
        int ho = OutputSize(x[2], Kernel, Stride, Padding), wo = OutputSize(x[3], Kernel, Stride, Padding);
        if (ho <= 0 || wo <= 0) throw new ShapeException($"ConvTranspose2d input {Tensor.ShapeString(x)} gives an empty output");
        return [[x[0], OutChannels, ho, wo]];
    }

    /// <inheritdoc/>
    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) =>
        Tensor.CountElements(inputs[0]) * OutChannels * Kernel * Kernel;

    /// <summary><c>weight</c> [Cin, Cout, K, K] (PyTorch's transposed layout) and, with <see cref="HasBias"/>, <c>bias</c> [Cout].</summary>
    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [InChannels, OutChannels, Kernel, Kernel]);
            if (HasBias) yield return new("bias", [OutChannels]);
        }
    }

    /// <inheritdoc/>
    public override string Describe() => $"{InChannels}->{OutChannels} k{Kernel} s{Stride} p{Padding}{DescribeActivation(Activation)}";
}
