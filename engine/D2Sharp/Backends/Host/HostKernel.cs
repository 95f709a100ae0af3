using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Host;

/// <summary>
/// One op type's implementation on a host-memory backend (the reference and the CPU backend):
/// NHWC float32 feature maps in a native arena. One stateless instance per op type serves every
/// node; per-session state comes from <see cref="Bind"/>, per-run state from the node's
/// <see cref="KernelArgs"/>.
/// </summary>
internal abstract class HostKernel
{
    /// <summary>Prepares a node's weights once per session (e.g. reorders a conv weight); null when there is nothing to prepare.</summary>
    public virtual object? Bind(Node node, NodeWeights? weights) => null;

    /// <summary>Scratch bytes the node needs during a run at this plan's shapes, for all workers together.</summary>
    public virtual long ScratchBytes(Node node, ExecutionPlan plan, int workers) => 0;

    /// <summary>Runs the node: reads <see cref="KernelArgs.Inputs"/>, writes <see cref="KernelArgs.Outputs"/>.</summary>
    public abstract void Run(KernelArgs args);

    /// <summary>One index of the parallel loop <see cref="Run"/> started with <see cref="KernelArgs.Parallel"/>.</summary>
    public virtual void Row(KernelArgs args, int index, int worker) =>
        throw new InvalidOperationException($"{GetType().Name} runs no parallel loop");

    /// <summary>The fused activation; ReLU as <c>torch.relu</c>: NaN stays NaN.</summary>
    protected static float Activate(float value, Activation activation) =>
        activation == Activation.Relu ? MathF.Max(value, 0f) : value;
}
