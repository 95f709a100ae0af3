using D2Sharp.Bindings;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// Conv2d through cuDNN, NHWC float32: the weight repacked once to KRSC ([Cout, KH, KW, Cin/g]),
/// the algorithm found per plan (cudnnFindConvolutionForwardAlgorithm, its workspace in the
/// arena's scratch). A conv with ReLU is one fused cudnnConvolutionBiasActivationForward:
/// y = relu(conv(x) + residual + bias), the residual as its z (z is y itself when the planner put
/// the output in the residual's place). cuDNN fuses the identity activation only into its
/// precomputed implicit GEMM, so a conv without ReLU runs the algorithm found, adds a residual by
/// convolving with β = 1 onto it, and d2_bias_activation adds the bias. In fp32, a pointwise conv
/// (1×1, stride 1, no padding, one group) is a plain GEMM in NHWC, [pixels, Cin] · Wᵀ: cublasSgemm,
/// then d2_bias_activation adds bias and residual and applies ReLU. Measured on an H200 (R50-FPN
/// at 800×1344): the 1×1 convs took 9.6 ms through cuDNN's FMA kernels and 4.5 ms as GEMMs, while
/// in TF32 cuDNN's fused tensor-op convs beat the GEMMs (2.5 against 3.0 ms for the backbone).
/// Fp32 uses cuDNN's FMA math and cuBLAS's default math (cuDNN's default math would allow TF32 on
/// Ampere and later).
/// </summary>
internal sealed unsafe class Conv2dKernel : CudaKernel
{
    private sealed class Bound(DeviceMemoryHandle weight, DeviceMemoryHandle? bias, CudnnFilterDescriptorHandle filter,
        CudnnConvolutionDescriptorHandle convolution, Fusion? fusion) : DeviceWeights(weight, bias)
    {
        public CudnnFilterDescriptorHandle Filter { get; } = filter;
        public CudnnConvolutionDescriptorHandle Convolution { get; } = convolution;
        /// <summary>The fused bias + ReLU's descriptors; null for a conv without ReLU.</summary>
        public Fusion? Fusion { get; } = fusion;

        public override void Dispose()
        {
            Filter.Dispose();
            Convolution.Dispose();
            Fusion?.Dispose();
            base.Dispose();
        }
    }

    /// <summary>What cudnnConvolutionBiasActivationForward needs besides the conv: ReLU, and the bias as a [1, C, 1, 1] tensor.</summary>
    private sealed class Fusion(CudnnActivationDescriptorHandle relu, CudnnTensorDescriptorHandle biasShape) : IDisposable
    {
        public CudnnActivationDescriptorHandle Relu { get; } = relu;
        public CudnnTensorDescriptorHandle BiasShape { get; } = biasShape;

        public void Dispose()
        {
            Relu.Dispose();
            BiasShape.Dispose();
        }
    }

    private sealed class Planned(CudnnTensorDescriptorHandle x, CudnnTensorDescriptorHandle y, CudnnConvolutionFwdAlgo algorithm) : IDisposable
    {
        public CudnnTensorDescriptorHandle X { get; } = x;
        public CudnnTensorDescriptorHandle Y { get; } = y;
        public CudnnConvolutionFwdAlgo Algorithm { get; } = algorithm;

        public void Dispose()
        {
            X.Dispose();
            Y.Dispose();
        }
    }

    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device)
    {
        var op = (Conv2d)node.Op;
        var w = weights ?? throw new ArgumentException("no weights were bound");
        int inPerGroup = op.InChannels / op.Groups, taps = op.KernelH * op.KernelW;
        var krsc = new float[w.Weight.Length];
        for (int o = 0; o < op.OutChannels; o++)
            for (int c = 0; c < inPerGroup; c++)
                for (int k = 0; k < taps; k++)
                    krsc[(o * taps + k) * inPerGroup + c] = w.Weight[(o * inPerGroup + c) * taps + k];
        var filter = CudnnFilterDescriptorHandle.Create();
        Cudnn(Bindings.Cudnn.cudnnSetFilter4dDescriptor(filter.DangerousGetHandle(), CudnnDataType.Float, CudnnTensorFormat.Nhwc,
            op.OutChannels, inPerGroup, op.KernelH, op.KernelW), "cudnnSetFilter4dDescriptor");
        var convolution = CudnnConvolutionDescriptorHandle.Create();
        nint conv = convolution.DangerousGetHandle();
        Cudnn(Bindings.Cudnn.cudnnSetConvolution2dDescriptor(conv, op.Padding, op.Padding, op.Stride, op.Stride, op.Dilation, op.Dilation,
            CudnnConvolutionMode.CrossCorrelation, CudnnDataType.Float), "cudnnSetConvolution2dDescriptor");
        Cudnn(Bindings.Cudnn.cudnnSetConvolutionGroupCount(conv, op.Groups), "cudnnSetConvolutionGroupCount");
        Cudnn(Bindings.Cudnn.cudnnSetConvolutionMathType(conv,
            device.Precision == CudaPrecision.Tf32 ? CudnnMathType.TensorOpMath : CudnnMathType.FmaMath), "cudnnSetConvolutionMathType");
        if (op.Activation != Activation.Relu || RunsAsGemm(op, device))
            return new Bound(device.Upload(krsc), w.Bias is { } b ? device.Upload(b) : null, filter, convolution, null);
        // The fused call always adds a bias: zeros when the conv has none.
        var fusion = new Fusion(CudnnActivationDescriptorHandle.Create(CudnnActivationMode.Relu),
            CudnnTensorDescriptorHandle.Create4d(CudnnTensorFormat.Nchw, CudnnDataType.Float, 1, op.OutChannels, 1, 1));
        return new Bound(device.Upload(krsc), device.Upload(w.Bias ?? new float[op.OutChannels]), filter, convolution, fusion);
    }

    /// <summary>
    /// Fp32 pointwise: 1×1, stride 1, no padding, one group, where the NHWC input is already the
    /// GEMM's [pixels, Cin] matrix.
    /// </summary>
    private static bool RunsAsGemm(Conv2d op, CudaDevice device) =>
        device.Precision == CudaPrecision.Fp32 && op.KernelH == 1 && op.KernelW == 1 && op.Stride == 1 && op.Padding == 0 && op.Groups == 1;

    public override void Prepare(CudaStep step)
    {
        if (RunsAsGemm((Conv2d)step.Op, step.Device)) return;
        var bound = (Bound)step.Weights!;
        var x = Descriptor(step.InputShapes[0]);
        var y = Descriptor(step.OutputShapes[0]);
        var algorithm = CudnnAlgorithms.Find(step.Device, x, bound.Filter, bound.Convolution, y, out long workspace);
        step.PlanState = new Planned(x, y, algorithm);
        step.ScratchBytes = workspace;
    }

    public override void Enqueue(CudaStep step)
    {
        var op = (Conv2d)step.Op;
        var bound = (Bound)step.Weights!;
        var device = step.Device;
        if (RunsAsGemm(op, device))
        {
            EnqueueGemm(step, op, bound);
            return;
        }
        var planned = (Planned)step.PlanState!;
        ulong output = step.Outputs[0];
        nint handle = device.Cudnn.DangerousGetHandle(), y = planned.Y.DangerousGetHandle();
        float alpha = 1f, beta = 0f;
        if (bound.Fusion is { } fusion)
        {
            beta = op.HasResidual ? 1f : 0f;
            Cudnn(Bindings.Cudnn.cudnnConvolutionBiasActivationForward(handle, &alpha, planned.X.DangerousGetHandle(), step.Inputs[0],
                bound.Filter.DangerousGetHandle(), bound.Weight, bound.Convolution.DangerousGetHandle(), planned.Algorithm,
                step.Scratch, (nuint)step.ScratchBytes, &beta, y, op.HasResidual ? step.Inputs[1] : output,
                fusion.BiasShape.DangerousGetHandle(), bound.Bias, fusion.Relu.DangerousGetHandle(), y, output),
                "cudnnConvolutionBiasActivationForward");
            return;
        }
        if (op.HasResidual)
        {
            ulong residual = step.Inputs[1];
            if (residual != output)
                CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoDAsync_v2(output, residual, (nuint)(Tensor.CountElements(step.OutputShapes[0]) * 4), device.StreamHandle),
                    "cuMemcpyDtoDAsync_v2 (residual)");
            beta = 1f;
        }
        Cudnn(Bindings.Cudnn.cudnnConvolutionForward(handle, &alpha, planned.X.DangerousGetHandle(), step.Inputs[0],
            bound.Filter.DangerousGetHandle(), bound.Weight, bound.Convolution.DangerousGetHandle(), planned.Algorithm,
            step.Scratch, (nuint)step.ScratchBytes, &beta, y, output), "cudnnConvolutionForward");
        if (bound.Bias != 0)
            BiasActivation.Enqueue(device, output, bound.Bias, 0, Tensor.CountElements(step.OutputShapes[0]), op.OutChannels, false, step.Node.Name);
    }

    /// <summary>
    /// Column-major view: Y (Cout × P, ldc Cout) = Wᵀ (Cout × Cin; W is [Cout, Cin] row-major) · X
    /// (Cin × P, ldb Cin). A residual the planner put in the output's place is accumulated with
    /// β = 1; any other residual is added by the epilogue.
    /// </summary>
    private static void EnqueueGemm(CudaStep step, Conv2d op, Bound bound)
    {
        var device = step.Device;
        int[] y = step.OutputShapes[0];
        int pixels = checked(y[0] * y[2] * y[3]);
        ulong output = step.Outputs[0];
        bool residualInPlace = op.HasResidual && step.Inputs[1] == output;
        float alpha = 1f, beta = residualInPlace ? 1f : 0f;
        CublasException.ThrowIfFailed(Bindings.Cublas.cublasSgemm_v2(device.Cublas.DangerousGetHandle(), CublasOperation.T, CublasOperation.N,
            op.OutChannels, pixels, op.InChannels, &alpha, bound.Weight, op.InChannels, step.Inputs[0], op.InChannels, &beta,
            output, op.OutChannels), "cublasSgemm_v2");
        ulong residual = op.HasResidual && !residualInPlace ? step.Inputs[1] : 0;
        if (bound.Bias != 0 || residual != 0 || op.Activation == Activation.Relu)
            BiasActivation.Enqueue(device, output, bound.Bias, residual, Tensor.CountElements(y), op.OutChannels,
                op.Activation == Activation.Relu, step.Node.Name);
    }

    /// <summary>An NHWC float32 descriptor of a logical [N, C, H, W] feature map.</summary>
    internal static CudnnTensorDescriptorHandle Descriptor(int[] shape)
    {
        var descriptor = CudnnTensorDescriptorHandle.Create();
        Cudnn(Bindings.Cudnn.cudnnSetTensor4dDescriptor(descriptor.DangerousGetHandle(), CudnnTensorFormat.Nhwc, CudnnDataType.Float,
            shape[0], shape[1], shape[2], shape[3]), "cudnnSetTensor4dDescriptor");
        return descriptor;
    }

    private static void Cudnn(CudnnStatus status, string call) => CudnnException.ThrowIfFailed(status, call);
}
