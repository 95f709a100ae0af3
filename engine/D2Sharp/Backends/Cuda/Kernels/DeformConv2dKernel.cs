using D2Sharp.Bindings;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// Deformable convolution v1/v2 as a gather and a GEMM: d2_deform_im2col (deform_conv2d.cu) writes
/// the bilinear samples (times the v2 mask) of every output pixel as a row of the column matrix
/// [N·Ho·Wo, K·K·Cin] (group-major, then tap, then channel); cuBLAS multiplies each conv group's
/// block of columns by the weight repacked once to [Cout, K·K·Cin/g]; d2_bias_activation adds the
/// folded norm's bias and applies ReLU. The column matrix lives in the node's scratch.
/// </summary>
internal sealed unsafe class DeformConv2dKernel : CudaKernel
{
    /// <summary>The float4 gather when every lane's four channels share their conv and deformable group.</summary>
    internal static string Im2colEntry(DeformConv2d op) =>
        op.InChannels / op.Groups % 4 == 0 && op.InChannels / op.DeformableGroups % 4 == 0 ? "d2_deform_im2col_vec4" : "d2_deform_im2col";

    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device)
    {
        var op = (DeformConv2d)node.Op;
        var w = weights ?? throw new ArgumentException("no weights were bound");
        int inPerGroup = op.InChannels / op.Groups, taps = op.Kernel * op.Kernel;
        // PyTorch's [Cout, Cin/g, K, K] → [Cout, K·K, Cin/g]: one output channel's row of the GEMM.
        var packed = new float[w.Weight.Length];
        for (int o = 0; o < op.OutChannels; o++)
            for (int c = 0; c < inPerGroup; c++)
                for (int k = 0; k < taps; k++)
                    packed[(o * taps + k) * inPerGroup + c] = w.Weight[(o * inPerGroup + c) * taps + k];
        return new DeviceWeights(device.Upload(packed), w.Bias is { } b ? device.Upload(b) : null);
    }

    public override void Prepare(CudaStep step)
    {
        var op = (DeformConv2d)step.Op;
        int[] x = step.InputShapes[0], y = step.OutputShapes[0];
        if ((long)y[0] * y[2] * y[3] * op.Kernel * op.Kernel >= int.MaxValue || (long)x[1] * x[2] * x[3] >= int.MaxValue)
            throw new ArgumentException($"the cuda deformable convolution indexes with 32 bits: {Tensor.ShapeString(x)} → {Tensor.ShapeString(y)} is too large; use a smaller batch");
        step.ScratchBytes = (long)y[0] * y[2] * y[3] * op.Kernel * op.Kernel * op.InChannels * sizeof(float);
    }

    public override void Enqueue(CudaStep step)
    {
        var op = (DeformConv2d)step.Op;
        var weights = (DeviceWeights)step.Weights!;
        var device = step.Device;
        int[] x = step.InputShapes[0], y = step.OutputShapes[0];
        var p = new DeformIm2colParams
        {
            X = step.Inputs[0], Offset = step.Inputs[1], Columns = step.Scratch,
            N = x[0], H = x[2], W = x[3], C = x[1], Ho = y[2], Wo = y[3],
            Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding, Dilation = op.Dilation,
            Groups = op.Groups, DeformableGroups = op.DeformableGroups, Modulated = op.Modulated ? 1 : 0,
        };
        var (grid, block) = LaunchShapes.DeformIm2col(p.N, p.Ho, p.Wo, p.Kernel);
        device.Launch(device.Function("deform_conv2d", Im2colEntry(op)), (grid, 1, 1), (block, 1, 1), ref p, step.Node.Name);

        int pixels = y[0] * y[2] * y[3];
        int taps = op.Kernel * op.Kernel, inPerGroup = op.InChannels / op.Groups, outPerGroup = op.OutChannels / op.Groups;
        int rowLength = taps * op.InChannels, groupLength = taps * inPerGroup;
        float alpha = 1f, beta = 0f;
        for (int g = 0; g < op.Groups; g++)
        {
            // Column-major view: Y[Cout_g × P] (ldc Cout) = W_gᵀ (Cout_g × KKCg) · columns_g (KKCg × P, ldb K·K·Cin).
            CublasException.ThrowIfFailed(Cublas.cublasSgemm_v2(device.Cublas.DangerousGetHandle(), CublasOperation.T, CublasOperation.N,
                outPerGroup, pixels, groupLength, &alpha,
                weights.Weight + (ulong)((long)g * outPerGroup * groupLength * sizeof(float)), groupLength,
                step.Scratch + (ulong)((long)g * groupLength * sizeof(float)), rowLength, &beta,
                step.Outputs[0] + (ulong)((long)g * outPerGroup * sizeof(float)), op.OutChannels), "cublasSgemm_v2");
        }
        if (weights.Bias != 0 || op.Activation == Activation.Relu)
            BiasActivation.Enqueue(device, step.Outputs[0], weights.Bias, 0, Tensor.CountElements(y), op.OutChannels,
                op.Activation == Activation.Relu, step.Node.Name);
    }
}
