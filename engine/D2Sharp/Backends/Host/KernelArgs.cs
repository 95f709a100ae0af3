using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Host;

/// <summary>
/// Everything one node of one plan reads and writes, made when the plan is prepared; the memory
/// pointers are refreshed before each run, since a larger plan may have moved the arena. It is also
/// the body of the node's parallel loop, so a run allocates nothing.
/// </summary>
internal sealed unsafe class KernelArgs : IParallelBody
{
    private readonly (bool Constant, long Offset)[] _inputSlots, _outputSlots;
    private readonly long _scratchOffset;

    public KernelArgs(Node node, HostKernel kernel, object? bound, NodeWeights? weights, ExecutionPlan plan, ArenaLayout layout, WorkerPool pool)
    {
        Node = node; Kernel = kernel; Bound = bound; Weights = weights; Pool = pool;
        Inputs = new TensorView[node.Inputs.Count];
        Outputs = new TensorView[node.Outputs.Count];
        // Shape-only nodes read their inputs' shapes, not their memory.
        _inputSlots = node.Inputs.Select(v => node.Op.DependsOnShapesOnly ? (false, -1L) : (layout.IsConstant(v), layout.OffsetOf(v))).ToArray();
        _outputSlots = node.Outputs.Select(v => (layout.IsConstant(v), layout.OffsetOf(v))).ToArray();
        for (int i = 0; i < Inputs.Length; i++) Inputs[i] = new TensorView(null, plan.ShapeOf(node.Inputs[i]), node.Inputs[i].Type);
        for (int i = 0; i < Outputs.Length; i++) Outputs[i] = new TensorView(null, plan.ShapeOf(node.Outputs[i]), node.Outputs[i].Type);
        (_scratchOffset, ScratchBytes) = layout.ScratchOf(node);
        if (node.SlotCount is { } count) Slots = new SlotRows(node, count, plan, layout);
    }

    public Node Node { get; }
    public Op Op => Node.Op;
    public HostKernel Kernel { get; }
    /// <summary>What the kernel's Bind returned for this node (per session).</summary>
    public object? Bound { get; }
    public NodeWeights? Weights { get; }
    public WorkerPool Pool { get; }
    public TensorView[] Inputs { get; }
    public TensorView[] Outputs { get; }
    public byte* Scratch { get; private set; }
    public long ScratchBytes { get; }
    /// <summary>For a row-wise node on the ROI heads' slots: how it runs on the used ones only; null otherwise.</summary>
    public SlotRows? Slots { get; }

    /// <summary>Which of its parallel loops a kernel with several is in (set by the kernel before each).</summary>
    public int Phase { get; set; }

    public FeatureMap In(int index) => Inputs[index].Map();
    public FeatureMap Out(int index) => Outputs[index].Map();

    /// <summary>This worker's share of the scratch, when the kernel asked for <paramref name="perWorker"/> elements each.</summary>
    public Span<T> ScratchOf<T>(int worker, int perWorker) where T : unmanaged =>
        new(Scratch + (long)worker * perWorker * sizeof(T), perWorker);

    /// <summary>Runs the kernel's <see cref="HostKernel.Row"/> for every index in [0, count) on the pool.</summary>
    public void Parallel(int count) => Pool.For(count, this);

    void IParallelBody.Execute(int index, int worker) => Kernel.Row(this, index, worker);

    /// <summary>Points the views at the current arena and constant buffer.</summary>
    public void Refresh(byte* arena, byte* constants)
    {
        for (int i = 0; i < Inputs.Length; i++) Inputs[i] = Locate(Inputs[i], _inputSlots[i], arena, constants);
        for (int i = 0; i < Outputs.Length; i++) Outputs[i] = Locate(Outputs[i], _outputSlots[i], arena, constants);
        Scratch = ScratchBytes > 0 ? arena + _scratchOffset : null;
    }

    private static TensorView Locate(TensorView view, (bool Constant, long Offset) slot, byte* arena, byte* constants) =>
        new(slot.Offset < 0 ? null : (slot.Constant ? constants : arena) + slot.Offset, view.Shape, view.Type);
}
