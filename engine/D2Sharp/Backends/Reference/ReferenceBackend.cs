using D2Sharp.Backends.Host;
using D2Sharp.Backends.Reference.Kernels;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference;

/// <summary>
/// Runs every op through its plain reference kernel (<c>Kernels/</c>): loops that follow the op's
/// definition, PyTorch's NaN/Inf semantics included, parallel over the outer loop only.
/// Convolutions sum in double and round once. Slow but obviously correct: the executable spec
/// that every faster backend is checked against, op by op.
/// </summary>
/// <param name="threads">Threads per bound model, the caller included; 0 means one per processor.</param>
public sealed class ReferenceBackend(int threads = 0) : HostBackend(threads)
{
    /// <summary>The reference kernel of each op type: an op gets one by adding one line here.</summary>
    internal static readonly IReadOnlyDictionary<Type, HostKernel> Kernels = new Dictionary<Type, HostKernel>
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
        [typeof(TopK)] = new TopKKernel(),
        [typeof(BoxDecode)] = new BoxDecodeKernel(),
        [typeof(RpnProposals)] = new RpnProposalsKernel(),
        [typeof(RoiAlign)] = new RoiAlignKernel(),
        [typeof(RoiPool)] = new RoiPoolKernel(),
        [typeof(Linear)] = new LinearKernel(),
        [typeof(FastRcnnInference)] = new FastRcnnInferenceKernel(),
        [typeof(SpatialMean)] = new SpatialMeanKernel(),
        [typeof(ConvTranspose2d)] = new ConvTranspose2dKernel(),
        [typeof(MaskRcnnInference)] = new MaskRcnnInferenceKernel(),
        [typeof(RetinaNetInference)] = new RetinaNetInferenceKernel(),
        [typeof(RefineBoxes)] = new RefineBoxesKernel(),
        [typeof(UpsampleBilinear2x)] = new UpsampleBilinear2xKernel(),
    };

    /// <inheritdoc/>
    public override string Name => "reference";

    internal override HostKernel? KernelFor(Op op) => Kernels.GetValueOrDefault(op.GetType());
}
