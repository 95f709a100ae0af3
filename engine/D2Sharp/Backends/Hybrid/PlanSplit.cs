using D2Sharp.Graph;

namespace D2Sharp.Backends.Hybrid;

/// <summary>
/// A plan cut in two: <see cref="Primary"/> runs the longest front part the primary backend has
/// kernels for (a step goes there when the backend runs its op and every input comes from the
/// plan's inputs, its constants or an earlier primary step); <see cref="Secondary"/> runs the
/// rest, fed with <see cref="Crossing"/>, the primary's values that secondary steps read, and with
/// the plan inputs they read. Plan constants the rest needs (anchor grids) are computed by the
/// primary once and handed over once (<see cref="CrossingConstants"/>). Null primary plan: the
/// backend runs none of the front.
/// </summary>
internal sealed record PlanSplit(ExecutionPlan? Primary, ExecutionPlan Secondary, IReadOnlyList<Value> Crossing,
    IReadOnlyList<Value> CrossingConstants, IReadOnlyList<Value> SecondaryInputs)
{
    /// <summary>The split of <paramref name="plan"/>, or null when <paramref name="primary"/> runs all of it.</summary>
    public static PlanSplit? Of(ExecutionPlan plan, IBackend primary)
    {
        var graph = plan.Graph;
        var onPrimary = new HashSet<Value>(plan.Inputs);
        var front = new HashSet<Node>();
        bool constantsOk = plan.ShapeOnlyNodes.All(n => primary.Supports(n.Op, out _));
        foreach (var node in plan.Steps)
        {
            if (!primary.Supports(node.Op, out _)) continue;
            if (!node.Reads.All(v => onPrimary.Contains(v) || (constantsOk && plan.IsPlanConstant(v)))) continue;
            front.Add(node);
            foreach (var v in node.Outputs) onPrimary.Add(v);
        }
        if (front.Count == plan.Steps.Count && constantsOk) return null;
        var rest = plan.Steps.Where(n => !front.Contains(n)).ToList();
        var shape = plan.Inputs.Select(v => (v, plan.ShapeOf(v))).ToList();
        if (front.Count == 0 || !constantsOk)
            return new PlanSplit(null, plan, [], [], plan.Inputs);

        var readByRest = rest.SelectMany(n => n.Reads).ToHashSet();
        var restOutputs = plan.Outputs.Where(o => !onPrimary.Contains(o.Value) && !plan.IsPlanConstant(o.Value)).Select(o => o.Value).ToList();
        var crossing = front.SelectMany(n => n.Outputs).Where(readByRest.Contains).ToList();
        var crossingConstants = plan.ShapeOnlyNodes.SelectMany(n => n.Outputs).Where(readByRest.Contains).ToList();
        var secondaryInputs = plan.Inputs.Where(readByRest.Contains).ToList();
        var frontOutputs = plan.Outputs.Select(o => o.Value).Where(v => !restOutputs.Contains(v))
            .Concat(crossing).Concat(crossingConstants).Distinct().ToList();
        var primaryPlan = ExecutionPlan.Create(graph, shape, frontOutputs);
        var secondaryPlan = ExecutionPlan.Create(graph,
            crossing.Concat(crossingConstants).Concat(secondaryInputs).Select(v => (v, plan.ShapeOf(v))).ToList(), restOutputs);
        return new PlanSplit(primaryPlan, secondaryPlan, crossing, crossingConstants, secondaryInputs);
    }
}
