using D2Sharp.Graph;
using D2Sharp.Memory;

namespace D2Sharp.Backends.Hybrid;

/// <summary>
/// Runs a split plan (<see cref="PlanSplit"/>): segment after segment, each a range of steps of its
/// side's executor, the values crossing into a segment copied just before it through buffers made
/// here. The plan constants the secondary needs are handed over once, so a run allocates nothing.
/// </summary>
internal sealed class HybridExecutor : IPlanExecutor
{
    private readonly IStepRangeExecutor _primary, _secondary;
    private readonly (IStepRangeExecutor Executor, int First, int End)[] _segments;
    /// <summary>Per segment, the copies to make before it runs.</summary>
    private readonly (IPlanExecutor From, int Output, IPlanExecutor To, int Input, byte[] Buffer)[][] _copies;
    private readonly int[] _primaryInputs, _secondaryInputs;
    private readonly (IPlanExecutor Executor, int Index)[] _outputs;
    private readonly int[] _primaryStepOf, _secondaryStepOf;
    private readonly TimeSpan[] _stepTimes;

    public HybridExecutor(ExecutionPlan plan, PlanSplit split, IPlanExecutor primary, IPlanExecutor secondary)
    {
        Plan = plan;
        _primary = Ranged(primary);
        _secondary = Ranged(secondary);
        var front = primary.Plan;
        var rest = secondary.Plan;
        _segments = split.Segments.Select(s => (s.OnPrimary ? _primary : _secondary, s.First, s.End)).ToArray();
        _copies = split.Segments.Select((_, k) => split.Crossings.Where(c => c.BeforeSegment == k).Select(c => c.ToPrimary
            ? ((IPlanExecutor)secondary, rest.OutputIndex(c.Value.Name), primary, front.InputIndex(c.Value.Name), new byte[Bytes(plan, c.Value)])
            : (primary, front.OutputIndex(c.Value.Name), secondary, rest.InputIndex(c.Value.Name), new byte[Bytes(plan, c.Value)])).ToArray()).ToArray();
        foreach (var v in split.CrossingConstants)
        {
            var buffer = new byte[Bytes(plan, v)];
            primary.GetOutput(front.OutputIndex(v.Name), buffer);
            secondary.SetInput(rest.InputIndex(v.Name), buffer);
        }
        _primaryInputs = plan.Inputs.Select(v => front.InputIndex(v.Name)).ToArray();
        _secondaryInputs = plan.Inputs.Select(v => rest.Inputs.Contains(v) ? rest.InputIndex(v.Name) : -1).ToArray();
        _outputs = plan.Outputs.Select(o => IndexOf(rest, o.Value) is int i and >= 0 ? (secondary, i) : (primary, IndexOf(front, o.Value))).ToArray();
        var stepOf = plan.Steps.Select((node, i) => (node, i)).ToDictionary(s => s.node, s => s.i);
        _primaryStepOf = front.Steps.Select(n => stepOf[n]).ToArray();
        _secondaryStepOf = rest.Steps.Select(n => stepOf[n]).ToArray();
        _stepTimes = new TimeSpan[plan.Steps.Count];
    }

    private static IStepRangeExecutor Ranged(IPlanExecutor executor) => executor as IStepRangeExecutor
        ?? throw new ArgumentException($"{executor.GetType().Name} cannot run a plan in segments");

    public ExecutionPlan Plan { get; }

    /// <summary>The primary part's layout (on a GPU: the device arena).</summary>
    public ArenaLayout Layout => _primary.Layout;

    public bool RecordStepTimes
    {
        get => _primary.RecordStepTimes;
        set => _primary.RecordStepTimes = _secondary.RecordStepTimes = value;
    }

    public ReadOnlySpan<TimeSpan> StepTimes => _stepTimes;

    private static long Bytes(ExecutionPlan plan, Value v) => plan.ElementsOf(v) * v.Type.SizeOf();

    private static int IndexOf(ExecutionPlan plan, Value v)
    {
        for (int i = 0; i < plan.Outputs.Count; i++)
            if (plan.Outputs[i].Value == v) return i;
        return -1;
    }

    public void SetInput(int index, ReadOnlySpan<byte> data)
    {
        _primary.SetInput(_primaryInputs[index], data);
        if (_secondaryInputs[index] >= 0) _secondary.SetInput(_secondaryInputs[index], data);
    }

    public void Run(CancellationToken cancellation = default)
    {
        for (int k = 0; k < _segments.Length; k++)
        {
            foreach (var (from, output, to, input, buffer) in _copies[k])
            {
                from.GetOutput(output, buffer);
                to.SetInput(input, buffer);
            }
            var (executor, first, end) = _segments[k];
            executor.Run(first, end, cancellation);
        }
        if (!RecordStepTimes) return;
        for (int i = 0; i < _primaryStepOf.Length; i++) _stepTimes[_primaryStepOf[i]] = _primary.StepTimes[i];
        for (int i = 0; i < _secondaryStepOf.Length; i++) _stepTimes[_secondaryStepOf[i]] = _secondary.StepTimes[i];
    }

    public void GetOutput(int index, Span<byte> destination) => _outputs[index].Executor.GetOutput(_outputs[index].Index, destination);

    public void Dispose()
    {
        _primary.Dispose();
        _secondary.Dispose();
    }
}
