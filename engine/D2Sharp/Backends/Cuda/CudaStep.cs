using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// One node of one plan on the device: its kernel, shapes, per-plan state and the device
/// addresses of its inputs, outputs and scratch, recomputed from the arena's base before each
/// capture (a larger plan may have moved the arena).
/// </summary>
internal sealed class CudaStep : IDisposable
{
    public CudaStep(Node node, CudaKernel kernel, IDisposable? weights, CudaDevice device, ExecutionPlan plan)
    {
        Node = node; Kernel = kernel; Weights = weights; Device = device;
        InputShapes = node.Inputs.Select(plan.ShapeOf).ToArray();
        OutputShapes = node.Outputs.Select(plan.ShapeOf).ToArray();
        Inputs = new ulong[node.Inputs.Count];
        Outputs = new ulong[node.Outputs.Count];
        SlotImages = node.SlotCount is { } count ? plan.ShapeOf(count)[0] : 0;
    }

    public Node Node { get; }
    public Op Op => Node.Op;
    public CudaKernel Kernel { get; }
    /// <summary>What the kernel's Bind returned for this node (per session).</summary>
    public IDisposable? Weights { get; }
    public CudaDevice Device { get; }
    public int[][] InputShapes { get; }
    public int[][] OutputShapes { get; }
    public ulong[] Inputs { get; }
    public ulong[] Outputs { get; }
    public ulong Scratch { get; private set; }
    /// <summary>For a row-wise step on the ROI heads' slots: the N images its rows hold S slots each of; 0 otherwise.</summary>
    public int SlotImages { get; }
    /// <summary>For a row-wise step on the ROI heads' slots: the int32 [N] count of slots in use (<see cref="Node.SlotCount"/>); 0 otherwise.</summary>
    public ulong SlotCount { get; private set; }
    /// <summary>Scratch bytes the node needs at this plan's shapes; set by <see cref="CudaKernel.Prepare"/>.</summary>
    public long ScratchBytes { get; set; }
    /// <summary>What the kernel's Prepare made for this plan (descriptors, algorithm); disposed with the plan.</summary>
    public object? PlanState { get; set; }

    /// <summary>Points the step at the arena starting at <paramref name="arena"/> and the plan's constants.</summary>
    public void Locate(ArenaLayout layout, ulong arena, ulong constants)
    {
        for (int i = 0; i < Inputs.Length; i++)
            Inputs[i] = Node.Op.DependsOnShapesOnly ? 0 : Address(layout, Node.Inputs[i], arena, constants);
        for (int i = 0; i < Outputs.Length; i++) Outputs[i] = Address(layout, Node.Outputs[i], arena, constants);
        Scratch = ScratchBytes > 0 ? arena + (ulong)layout.ScratchOf(Node).Offset : 0;
        SlotCount = Node.SlotCount is { } count ? Address(layout, count, arena, constants) : 0;
    }

    public static ulong Address(ArenaLayout layout, Value value, ulong arena, ulong constants) =>
        (layout.IsConstant(value) ? constants : arena) + (ulong)layout.OffsetOf(value);

    public void Dispose() => (PlanState as IDisposable)?.Dispose();
}
