using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// ConvTranspose2d on the device (conv_transpose2d.cu): the mask head's 2×2 stride-2 and the
/// keypoint head's 4×4 stride-2 deconvolutions as a gather, bias and ReLU in the same launch, so
/// the heads' upsampled maps stay on the GPU. The weight is repacked once at bind from PyTorch's
/// [Cin, Cout, K, K] to [K, K, Cin, Cout] (a warp's output channels read neighbouring weights).
/// </summary>
internal sealed class ConvTranspose2dKernel : CudaKernel
{
    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device)
    {
        var op = (ConvTranspose2d)node.Op;
        var w = weights ?? throw new ArgumentException("no weights were bound");
        return new DeviceWeights(device.Upload(Repack(op, w.Weight)), w.Bias is { } b ? device.Upload(b) : null);
    }

    /// <summary>[Cin, Cout, K, K] → [K, K, Cin, Cout]: the layout d2_conv_transpose2d reads.</summary>
    internal static float[] Repack(ConvTranspose2d op, float[] weight)
    {
        int k = op.Kernel, cin = op.InChannels, cout = op.OutChannels;
        var packed = new float[weight.Length];
        for (int ci = 0; ci < cin; ci++)
            for (int co = 0; co < cout; co++)
                for (int t = 0; t < k * k; t++)
                    packed[(t * cin + ci) * cout + co] = weight[(ci * cout + co) * k * k + t];
        return packed;
    }

    public override void Enqueue(CudaStep step)
    {
        var weights = (DeviceWeights)step.Weights!;
        var p = Params((ConvTranspose2d)step.Op, step.InputShapes[0], step.Inputs[0], weights.Weight, weights.Bias, step.Outputs[0]);
        ElementwiseLaunch.Enqueue(step, "conv_transpose2d", "d2_conv_transpose2d", (long)p.N * p.Ho * p.Wo * p.Cout, ref p);
    }

    /// <summary>The launch's parameters for an input of logical shape <paramref name="x"/> [N, Cin, H, W]; the host-emulation tests build theirs here too.</summary>
    internal static ConvTranspose2dParams Params(ConvTranspose2d op, int[] x, ulong input, ulong weight, ulong bias, ulong y) => new()
    {
        X = input, Weight = weight, Bias = bias, Y = y,
        N = x[0], H = x[2], W = x[3], Cin = op.InChannels, Cout = op.OutChannels,
        Ho = ConvTranspose2d.OutputSize(x[2], op.Kernel, op.Stride, op.Padding), Wo = ConvTranspose2d.OutputSize(x[3], op.Kernel, op.Stride, op.Padding),
        Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding, Relu = op.Activation == Activation.Relu ? 1 : 0,
    };
}
