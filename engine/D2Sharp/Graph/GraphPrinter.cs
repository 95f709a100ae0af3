using System.Text;

namespace D2Sharp.Graph;

/// <summary>Renders a plan as the table <c>d2sharp graph</c> prints: op, inputs, output shape and stride, parameters, MACs.</summary>
public static class GraphPrinter
{
    public static string Format(ExecutionPlan plan)
    {
        var g = plan.Graph;
        var sb = new StringBuilder();
        sb.AppendLine($"input '{g.Input.Name}' {Tensor.ShapeString(plan.ShapeOf(g.Input))}");
        foreach (var node in g.Nodes)
        {
            long macs = plan.Macs[node.Id];
            sb.Append($"{node.Id,4}  {node.Op.Kind,-12} {node.Name}");
            sb.AppendLine();
            sb.AppendLine($"        in:  {string.Join(", ", node.Inputs.Select(v => v.Name))}");
            sb.AppendLine($"        out: {Tensor.ShapeString(plan.ShapeOf(node.Output))} stride {node.Output.Spec.Stride}  {node.Op.Describe()}");
            foreach (var p in node.Parameters)
                sb.AppendLine($"        param {p.Name} {Tensor.ShapeString(p.Shape)}");
            if (macs > 0) sb.AppendLine($"        MACs {FormatCount(macs)}");
        }
        sb.AppendLine("outputs:");
        foreach (var (name, v) in g.Outputs)
            sb.AppendLine($"  {name,-12} {Tensor.ShapeString(plan.ShapeOf(v)),-22} stride {v.Spec.Stride}  ({v.Name})");
        long totalParams = g.Parameters.Sum(p => Tensor.CountElements(p.Shape));
        sb.AppendLine($"nodes: {g.Nodes.Count}  parameters: {g.Parameters.Count()} tensors, {FormatCount(totalParams)} values");
        sb.AppendLine($"total MACs: {FormatCount(plan.Macs.Sum())} ({plan.Macs.Sum():N0})");
        sb.AppendLine($"arena: {FormatBytes(plan.Memory.ArenaSize * 4)} (without reuse: {FormatBytes(plan.Memory.NaiveSize * 4)})");
        return sb.ToString();
    }

    public static string FormatCount(long n) => n switch
    {
        >= 1_000_000_000 => $"{n / 1e9:F2}G",
        >= 1_000_000 => $"{n / 1e6:F2}M",
        >= 1_000 => $"{n / 1e3:F2}K",
        _ => n.ToString(),
    };

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):F2} KiB",
        _ => $"{bytes} B",
    };
}
