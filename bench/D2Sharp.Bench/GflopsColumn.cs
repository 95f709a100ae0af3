using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace D2Sharp.Bench;

/// <summary>A benchmark that knows how many floating-point operations one invocation does, and how many bytes it moves.</summary>
public interface ICountsFlops
{
    /// <summary>Floating-point operations (2 per multiply-add) of one invocation with the current parameters.</summary>
    double Flops { get; }

    /// <summary>Bytes one invocation reads and writes at the least (its inputs and outputs once); 0 when not counted.</summary>
    double Bytes => 0;
}

/// <summary>
/// GFLOP/s (or, with <paramref name="bytes"/>, GB/s) from the mean time and <see cref="ICountsFlops"/>,
/// next to BenchmarkDotNet's own columns.
/// </summary>
public sealed class GflopsColumn(bool bytes = false) : IColumn
{
    public string Id => nameof(GflopsColumn) + (bytes ? "Bytes" : "");
    public string ColumnName => bytes ? "GB/s" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => bytes ? "billions of bytes read and written per second (inputs and outputs once)"
        : "billions of floating-point operations per second (2 per multiply-add)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats) return "-";
        var instance = (ICountsFlops)Activator.CreateInstance(benchmarkCase.Descriptor.Type)!;
        foreach (var parameter in benchmarkCase.Parameters.Items)
            benchmarkCase.Descriptor.Type.GetProperty(parameter.Name)?.SetValue(instance, parameter.Value);
        double amount = bytes ? instance.Bytes : instance.Flops;
        return amount > 0 ? (amount / stats.Mean).ToString("F1") : "-";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
