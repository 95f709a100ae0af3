using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// One op type on the CUDA backend. One stateless instance per op type serves every node:
/// <see cref="Bind"/> uploads a node's weights once per session, <see cref="Prepare"/> makes its
/// per-plan state (cuDNN descriptors, the chosen algorithm, the scratch it needs) and
/// <see cref="Enqueue"/> issues its launches on the device's stream — the calls that the plan's
/// CUDA graph captures, so it must not allocate, copy from the host or synchronise.
/// </summary>
internal abstract class CudaKernel
{
    /// <summary>The node's weights on the device; null when it has none.</summary>
    public virtual IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device) => null;

    /// <summary>Per-plan state; sets <see cref="CudaStep.ScratchBytes"/> when the node needs scratch.</summary>
    public virtual void Prepare(CudaStep step) { }

    public abstract void Enqueue(CudaStep step);
}
