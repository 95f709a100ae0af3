using D2Sharp.Bindings;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// Linear on the device: one cuBLAS SGEMM, then d2_bias_activation (elementwise.cu) for the bias
/// and the fused ReLU. The input rows are contiguous: [R, In], or a feature map [R, C, H, W] whose
/// NHWC row is its (H, W, C) flattening, for which the weight's columns are permuted once at bind
/// from PyTorch's (C, H, W) order, as the CPU backend's LinearKernel does. Row-major Y [R, Out] =
/// X [R, In] · Wᵀ is, in cuBLAS's column-major view, Yᵀ (Out × R, ldc Out) = W (stored In × Out,
/// lda In, transposed) · Xᵀ (In × R, ldb In).
/// </summary>
internal sealed unsafe class LinearKernel : CudaKernel
{
    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device)
    {
        var op = (Linear)node.Op;
        var w = weights ?? throw new ArgumentException("no weights were bound");
        var input = node.Inputs[0];
        var ordered = input.IsFeatureMap ? Cpu.Kernels.LinearKernel.ToPixelMajor(w.Weight, op.OutFeatures, input.Spec.Channels) : w.Weight;
        return new DeviceWeights(device.Upload(ordered), w.Bias is { } b ? device.Upload(b) : null);
    }

    public override void Enqueue(CudaStep step)
    {
        var op = (Linear)step.Op;
        var weights = (DeviceWeights)step.Weights!;
        var device = step.Device;
        int rows = step.OutputShapes[0][0];
        if (rows == 0) return;
        float alpha = 1f, beta = 0f;
        CublasException.ThrowIfFailed(Cublas.cublasSgemm_v2(device.Cublas.DangerousGetHandle(), CublasOperation.T, CublasOperation.N,
            op.OutFeatures, rows, op.InFeatures, &alpha, weights.Weight, op.InFeatures, step.Inputs[0], op.InFeatures, &beta,
            step.Outputs[0], op.OutFeatures), "cublasSgemm_v2");
        if (weights.Bias != 0 || op.Activation == Activation.Relu)
            BiasActivation.Enqueue(device, step.Outputs[0], weights.Bias, 0, (long)rows * op.OutFeatures, op.OutFeatures,
                op.Activation == Activation.Relu, step.Node.Name);
    }
}
