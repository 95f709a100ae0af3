using System.Text;
using D2Sharp.Memory;

namespace D2Sharp.Graph;

/// <summary>
/// Renders a plan as the table <c>d2sharp graph</c> prints: each op with its inputs, outputs (type,
/// shape, stride), parameters and MACs, then totals and the memory layout.
/// </summary>
public static class GraphPrinter
{
    /// <summary>The whole table for <paramref name="plan"/>, with <paramref name="layout"/>'s arena size and alignment at the end; lines end with <see cref="Environment.NewLine"/>.</summary>
    /// <param name="plan">The plan to print.</param>
    /// <param name="layout">The memory layout a backend made for the plan.</param>
    public static string Format(ExecutionPlan plan, ArenaLayout layout)
    {
        var g = plan.Graph;
        var sb = new StringBuilder();
        foreach (var v in plan.Inputs) sb.AppendLine($"input '{v.Name}' {Describe(plan, v)}");
        foreach (var node in plan.ShapeOnlyNodes.Concat(plan.Steps).OrderBy(n => n.Id))
        {
            string once = node.Op.DependsOnShapesOnly ? "  (once per plan)" : "";
            sb.AppendLine($"{node.Id,4}  {node.Op.Kind,-14} {node.Name}{once}");
            sb.AppendLine($"        in:  {string.Join(", ", node.Inputs.Select(v => v.Name))}");
            foreach (var v in node.Outputs)
                sb.AppendLine($"        out: {v.Name} {Describe(plan, v)}");
            if (node.Op.Describe() is { Length: > 0 } attributes) sb.AppendLine($"        {attributes}");
            foreach (var p in node.Parameters)
                sb.AppendLine($"        param {p.Name} {Tensor.ShapeString(p.Shape)}");
            if (plan.MacsOf(node) > 0) sb.AppendLine($"        MACs {FormatCount(plan.MacsOf(node))}");
        }
        sb.AppendLine("outputs:");
        foreach (var (name, v) in plan.Outputs)
            sb.AppendLine($"  {name,-22} {Describe(plan, v)}  ({v.Name})");
        long totalParams = g.Parameters.Sum(p => Tensor.CountElements(p.Shape));
        sb.AppendLine($"nodes: {plan.Steps.Count} per run, {plan.ShapeOnlyNodes.Count} once per plan  parameters: {g.Parameters.Count()} tensors, {FormatCount(totalParams)} values");
        sb.AppendLine($"total MACs: {FormatCount(plan.TotalMacs)} ({plan.TotalMacs:N0})");
        sb.AppendLine($"activation arena: {FormatBytes(layout.Arena.Size)} (without reuse: {FormatBytes(layout.Arena.NaiveSize)}), " +
                      $"{layout.Arena.Alignment}-byte aligned; plan constants: {FormatBytes(layout.ConstantSize)}");
        return sb.ToString();
    }

    private static string Describe(ExecutionPlan plan, Value v)
    {
        var s = $"{v.Type.Name()} {Tensor.ShapeString(plan.ShapeOf(v))}";
        if (v.Feature is { } f) s += $" stride {f.Stride}";
        if (v.ValidCount is { } count) s += $" (rows counted by {count.Name})";
        return s;
    }

    /// <summary>A count with an SI suffix and two decimals (<c>4.21G</c>, <c>512</c> below 1000), for MACs and parameter counts.</summary>
    public static string FormatCount(long n) => n switch
    {
        >= 1_000_000_000_000 => $"{n / 1e12:F2}T",
        >= 1_000_000_000 => $"{n / 1e9:F2}G",
        >= 1_000_000 => $"{n / 1e6:F2}M",
        >= 1_000 => $"{n / 1e3:F2}K",
        _ => n.ToString(),
    };

    /// <summary>A byte size in binary units with two decimals (<c>1.50 MiB</c>, <c>512 B</c> below 1 KiB).</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):F2} KiB",
        _ => $"{bytes} B",
    };
}
