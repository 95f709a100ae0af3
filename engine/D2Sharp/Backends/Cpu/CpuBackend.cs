using D2Sharp.Backends.Host;
using D2Sharp.Backends.Reference;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu;

/// <summary>
/// The fast CPU backend: NHWC float32 in the host arena, convolutions as implicit GEMMs on a
/// register-blocked FMA micro-kernel (AVX-512, AVX2 or portable <c>Vector&lt;T&gt;</c>, chosen at
/// start-up or forced by <paramref name="isa"/>) or, for 3×3 stride-1 layers, as Winograd
/// F(4×4, 3×3) (<paramref name="convolutions"/>), weights packed once when the session binds them,
/// the other ops vectorised over channels. Ops whose cost does not matter run the reference
/// kernel (see <see cref="Kernels"/>); every op is checked against the reference backend by the
/// backend-op harness.
/// </summary>
/// <param name="threads">Threads per bound model, the caller included; 0 means one per processor.</param>
/// <param name="isa">The instruction set; <see cref="CpuIsa.Auto"/> picks the widest this processor runs.</param>
/// <param name="convolutions">Winograd or direct for the 3×3 stride-1 convolutions; by default per layer.</param>
public sealed class CpuBackend(int threads = 0, CpuIsa isa = CpuIsa.Auto, CpuConvAlgorithm convolutions = CpuConvAlgorithm.Auto) : HostBackend(threads)
{
    /// <summary>The instruction set the kernels use, resolved on this processor (never <see cref="CpuIsa.Auto"/>).</summary>
    public CpuIsa Isa { get; } = CpuIsas.Resolve(isa);

    /// <summary>How 3×3 stride-1 convolutions are computed (Winograd, direct, or per layer), as given to the constructor.</summary>
    public CpuConvAlgorithm Convolutions { get; } = convolutions;

    /// <inheritdoc/>
    public override string Name => "cpu";

    private IReadOnlyDictionary<Type, HostKernel>? _kernels;

    /// <summary>
    /// This backend's kernel of each op type. Anchor grids are computed once per plan (never per
    /// run); TopK, BoxDecode, RefineBoxes, RpnProposals, FastRcnnInference and RetinaNetInference
    /// sort, decode and suppress at most a few thousand boxes per image; SpatialMean,
    /// MaskRcnnInference and UpsampleBilinear2x touch each pooled box once: they run the reference
    /// kernel.
    /// </summary>
    internal IReadOnlyDictionary<Type, HostKernel> Kernels => _kernels ??= new Dictionary<Type, HostKernel>
    {
        [typeof(NormalizeImage)] = new Kernels.NormalizeImageKernel(),
        [typeof(Conv2d)] = new Kernels.Conv2dKernel(Isa, Convolutions),
        [typeof(DeformConv2d)] = new Kernels.DeformConv2dKernel(Isa),
        [typeof(GroupNorm)] = new Kernels.GroupNormKernel(),
        [typeof(MaxPool2d)] = new Kernels.MaxPool2dKernel(),
        [typeof(UpsampleAdd)] = new Kernels.UpsampleAddKernel(),
        [typeof(Add)] = new Kernels.AddKernel(),
        [typeof(Relu)] = new Kernels.ReluKernel(),
        [typeof(AnchorGrid)] = ReferenceBackend.Kernels[typeof(AnchorGrid)],
        [typeof(TopK)] = ReferenceBackend.Kernels[typeof(TopK)],
        [typeof(BoxDecode)] = ReferenceBackend.Kernels[typeof(BoxDecode)],
        [typeof(RpnProposals)] = ReferenceBackend.Kernels[typeof(RpnProposals)],
        [typeof(RoiAlign)] = new Kernels.RoiAlignKernel(),
        [typeof(RoiPool)] = new Kernels.RoiPoolKernel(),
        [typeof(Linear)] = new Kernels.LinearKernel(Isa),
        [typeof(FastRcnnInference)] = ReferenceBackend.Kernels[typeof(FastRcnnInference)],
        [typeof(SpatialMean)] = ReferenceBackend.Kernels[typeof(SpatialMean)],
        [typeof(ConvTranspose2d)] = new Kernels.ConvTranspose2dKernel(Isa),
        [typeof(MaskRcnnInference)] = ReferenceBackend.Kernels[typeof(MaskRcnnInference)],
        [typeof(RetinaNetInference)] = ReferenceBackend.Kernels[typeof(RetinaNetInference)],
        [typeof(RefineBoxes)] = ReferenceBackend.Kernels[typeof(RefineBoxes)],
        [typeof(UpsampleBilinear2x)] = ReferenceBackend.Kernels[typeof(UpsampleBilinear2x)],
    };

    internal override HostKernel? KernelFor(Op op) => Kernels.GetValueOrDefault(op.GetType());
}
