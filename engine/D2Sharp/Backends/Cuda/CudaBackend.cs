using System.Diagnostics.CodeAnalysis;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// The NVIDIA GPU backend: NHWC float32 feature maps in one device arena per bound model, cuDNN for
/// the convolutions, cuBLAS for the deformable convolution's GEMM, our PTX kernels (<c>kernels/*.cu</c>)
/// for the rest, and each prepared plan captured once as a CUDA graph and replayed by
/// <see cref="IPlanExecutor.Run"/>. The context, libraries and kernels are loaded by <see cref="Bind"/>,
/// so constructing the backend never touches the driver.
/// </summary>
/// <param name="device">The device ordinal (<c>--device cuda:N</c>).</param>
/// <param name="precision">The convolution and GEMM arithmetic.</param>
/// <param name="useGraphs">Replay each plan as a captured CUDA graph (false: launch the steps one by one).</param>
public sealed class CudaBackend(int device = 0, CudaPrecision precision = CudaPrecision.Fp32, bool useGraphs = true) : IPartialBackend
{
    /// <summary>The device ordinal this backend runs on.</summary>
    public int Device { get; } = device >= 0 ? device : throw new ArgumentOutOfRangeException(nameof(device), device, "must be 0 or more");
    /// <summary>The arithmetic of the convolutions and GEMMs (fp32 or TF32).</summary>
    public CudaPrecision Precision { get; } = precision;
    /// <summary>Whether each plan is captured once as a CUDA graph and replayed (false: the steps are launched one by one).</summary>
    public bool UseGraphs { get; } = useGraphs;

    /// <inheritdoc/>
    public string Name => "cuda";

    /// <summary>The kernel files (<c>kernels/*.cu</c>) whose PTX this build carries; empty when it was built without nvcc.</summary>
    public static IReadOnlyList<string> BuiltKernels => KernelPtx.Stems;

    /// <summary>
    /// This backend's kernel of each op type: the backbone's, and of the heads the ones that cost
    /// (ROIAlign, the box head's linear layers and the C4 head's mean, the mask and keypoint heads'
    /// convolutions and deconvolutions) or that keep a head on the GPU or shrink what crosses to the
    /// CPU (the cascade's box refinement between its stages, the keypoint head's bilinear
    /// upsampling, the RPN's and RetinaNet's top-k and box decoding). NMS and the final inference
    /// ops run on the CPU (a HybridBackend's segments).
    /// </summary>
    internal static readonly IReadOnlyDictionary<Type, CudaKernel> Kernels = new Dictionary<Type, CudaKernel>
    {
        [typeof(NormalizeImage)] = new NormalizeImageKernel(),
        [typeof(Conv2d)] = new Conv2dKernel(),
        [typeof(DeformConv2d)] = new DeformConv2dKernel(),
        [typeof(GroupNorm)] = new GroupNormKernel(),
        [typeof(MaxPool2d)] = new MaxPool2dKernel(),
        [typeof(UpsampleAdd)] = new UpsampleAddKernel(),
        [typeof(Add)] = new AddKernel(),
        [typeof(Relu)] = new ReluKernel(),
        [typeof(AnchorGrid)] = new AnchorGridKernel(),
        [typeof(RoiAlign)] = new RoiAlignKernel(),
        [typeof(Linear)] = new LinearKernel(),
        [typeof(SpatialMean)] = new SpatialMeanKernel(),
        [typeof(ConvTranspose2d)] = new ConvTranspose2dKernel(),
        [typeof(RefineBoxes)] = new RefineBoxesKernel(),
        [typeof(UpsampleBilinear2x)] = new UpsampleBilinear2xKernel(),
        [typeof(TopK)] = new TopKKernel(),
        [typeof(BoxDecode)] = new BoxDecodeKernel(),
    };

    /// <inheritdoc/>
    public bool Supports(Op op, [NotNullWhen(false)] out string? reason)
    {
        reason = !Kernels.ContainsKey(op.GetType()) ? $"the cuda backend has no kernel for {op.Kind} yet"
            : op is RoiAlign { Levels: > RoiAlignParams.MaxLevels } ? $"the cuda backend pools from at most {RoiAlignParams.MaxLevels} levels"
            : null;
        return reason == null;
    }

    /// <inheritdoc/>
    public IBoundModel Bind(ModelGraph graph, ModelWeights weights)
    {
        if (weights.Graph != graph) throw new ArgumentException("the weights were prepared for a different graph");
        var unsupported = graph.Nodes.Where(n => !Supports(n.Op, out _)).Select(n => $"'{n.Name}' ({n.Op.Kind})").ToList();
        if (unsupported.Count > 0)
            throw new ExecutionException($"the cuda backend cannot run {string.Join(", ", unsupported)}: it has no kernel for " +
                string.Join(", ", graph.Nodes.Where(n => !Supports(n.Op, out _)).Select(n => n.Op.Kind).Distinct()) +
                " yet; a HybridBackend (what --device cuda uses) runs those on the CPU");
        return new CudaModel(this, graph, weights);
    }

    IBoundModel IPartialBackend.BindSupported(ModelGraph graph, ModelWeights weights)
    {
        if (weights.Graph != graph) throw new ArgumentException("the weights were prepared for a different graph");
        return new CudaModel(this, graph, weights);
    }
}
