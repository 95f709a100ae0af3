using D2Sharp.Graph;

namespace D2Sharp.Memory;

/// <summary>
/// Where a backend keeps everything one plan touches: runtime values and per-node scratch in the
/// arena (shared by every plan of a session, since runs are one at a time), and plan constants
/// (anchor grids) in a buffer of the plan's own. Offsets are in bytes from each buffer's start.
/// </summary>
public sealed class ArenaLayout
{
    private readonly long[] _valueOffsets;
    private readonly bool[] _isConstant;
    private readonly long[] _scratchOffsets, _scratchBytes;

    private ArenaLayout(MemoryPlan arena, long constantSize, long[] valueOffsets, bool[] isConstant, long[] scratchOffsets, long[] scratchBytes)
    {
        Arena = arena; ConstantSize = constantSize;
        _valueOffsets = valueOffsets; _isConstant = isConstant; _scratchOffsets = scratchOffsets; _scratchBytes = scratchBytes;
    }

    /// <summary>The arena plan: its size, the size without reuse, and the alignment.</summary>
    public MemoryPlan Arena { get; }
    /// <summary>Bytes of the plan's constant buffer.</summary>
    public long ConstantSize { get; }

    /// <summary>Byte offset of a value in the arena, or in the constant buffer when <see cref="IsConstant"/>.</summary>
    public long OffsetOf(Value v) =>
        _valueOffsets[v.Id] >= 0 ? _valueOffsets[v.Id] : throw new ArgumentException($"value '{v.Name}' has no memory in this plan");

    /// <summary>Whether <paramref name="v"/> is a plan constant (an anchor grid), kept in the plan's constant buffer rather than the arena.</summary>
    public bool IsConstant(Value v) => _isConstant[v.Id];

    /// <summary>The node's scratch range in the arena (bytes 0 when it asked for none).</summary>
    public (long Offset, long Bytes) ScratchOf(Node node) => (_scratchOffsets[node.Id], _scratchBytes[node.Id]);

    /// <summary>
    /// Lays out <paramref name="plan"/> for a backend: <paramref name="bytesOf"/> gives the bytes a
    /// value takes in the backend's layout, <paramref name="scratchBytesOf"/> the scratch a step
    /// needs during its run. Outputs may take over inputs in place as the ops allow
    /// (<see cref="D2Sharp.Ops.Op.InPlaceInput"/>), except plan inputs, which stay as written.
    /// </summary>
    public static ArenaLayout Plan(ExecutionPlan plan, int alignment, Func<Value, long> bytesOf, Func<Node, long> scratchBytesOf)
    {
        var graph = plan.Graph;
        int values = graph.Values.Count;
        var requests = new List<BufferRequest>();
        foreach (var v in plan.Inputs)
        {
            var (first, last) = plan.LifetimeOf(v);
            requests.Add(new BufferRequest(v.Id, bytesOf(v), first, last));
        }
        var scratchBytes = new long[graph.Nodes.Count];
        for (int step = 0; step < plan.Steps.Count; step++)
        {
            var node = plan.Steps[step];
            foreach (var v in node.Outputs)
            {
                var (first, last) = plan.LifetimeOf(v);
                int inPlaceOf = -1;
                if (v.OutputIndex == 0 && node.Op.InPlaceInput >= 0 && node.Inputs[node.Op.InPlaceInput] is var host
                    && !plan.Inputs.Contains(host) && !plan.IsPlanConstant(host))
                    inPlaceOf = host.Id;
                requests.Add(new BufferRequest(v.Id, bytesOf(v), first, last, inPlaceOf));
            }
            scratchBytes[node.Id] = scratchBytesOf(node);
            if (scratchBytes[node.Id] > 0) requests.Add(new BufferRequest(values + node.Id, scratchBytes[node.Id], step, step));
        }
        var arena = MemoryPlanner.Plan(requests, alignment);

        var valueOffsets = new long[values];
        Array.Fill(valueOffsets, -1);
        var scratchOffsets = new long[graph.Nodes.Count];
        foreach (var (id, offset) in arena.Offsets)
        {
            if (id < values) valueOffsets[id] = offset;
            else scratchOffsets[id - values] = offset;
        }
        var isConstant = new bool[values];
        long constantSize = 0;
        foreach (var v in plan.ShapeOnlyNodes.SelectMany(n => n.Outputs))
        {
            isConstant[v.Id] = true;
            valueOffsets[v.Id] = constantSize;
            constantSize += MemoryPlanner.AlignUp(bytesOf(v), alignment);
        }
        return new ArenaLayout(arena, constantSize, valueOffsets, isConstant, scratchOffsets, scratchBytes);
    }
}
