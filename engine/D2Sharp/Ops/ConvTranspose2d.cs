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
    public int InChannels { get; init; }
    public int OutChannels { get; init; }
    public int Kernel { get; init; }
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public bool HasBias { get; init; } = true;
    public Activation Activation { get; init; }

    public override string Kind => "ConvTranspose2d";
    public override bool IsRowWise => true;

    public static int OutputSize(int size, int kernel, int stride, int padding) => (size - 1) * stride - 2 * padding + kernel;

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

    public override long Macs(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs) =>
        Tensor.CountElements(inputs[0]) * OutChannels * Kernel * Kernel;

    public override IEnumerable<ParameterSpec> Parameters
    {
        get
        {
            yield return new("weight", [InChannels, OutChannels, Kernel, Kernel]);
            if (HasBias) yield return new("bias", [OutChannels]);
        }
    }

    public override string Describe() => $"{InChannels}->{OutChannels} k{Kernel} s{Stride} p{Padding}{DescribeActivation(Activation)}";
}
