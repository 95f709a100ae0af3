using D2Sharp.Graph;
using D2Sharp.Memory;

namespace D2Sharp.Backends.Hybrid;

/// <summary>
/// Runs a split plan: the primary part, then the crossing values copied into the secondary part,
/// then the secondary part. The copy buffers are made here, and the plan constants the secondary
/// part needs are handed over once, so a run allocates nothing.
/// </summary>
internal sealed class HybridExecutor : IPlanExecutor
{
    private readonly IPlanExecutor _primary, _secondary;
    private readonly (int From, int To, byte[] Buffer)[] _crossing;
    private readonly int[] _primaryInputs, _secondaryInputs;
    private readonly (IPlanExecutor Executor, int Index)[] _outputs;
    private readonly int[] _primaryStepOf, _secondaryStepOf;
    private readonly TimeSpan[] _stepTimes;

    public HybridExecutor(ExecutionPlan plan, PlanSplit split, IPlanExecutor primary, IPlanExecutor secondary)
    {
        Plan = plan;
        _primary = primary;
        _secondary = secondary;
        var front = primary.Plan;
        var rest = secondary.Plan;
        _crossing = split.Crossing.Select(v => (front.OutputIndex(v.Name), rest.InputIndex(v.Name), new byte[Bytes(plan, v)])).ToArray();
        foreach (var v in split.CrossingConstants)
        {
            var buffer = new byte[Bytes(plan, v)];
            primary.GetOutput(front.OutputIndex(v.Name), buffer);
            secondary.SetInput(rest.InputIndex(v.Name), buffer);
        }
        _primaryInputs = plan.Inputs.Select(v => front.InputIndex(v.Name)).ToArray();
        _secondaryInputs = plan.Inputs.Select(v => split.SecondaryInputs.Contains(v) ? rest.InputIndex(v.Name) : -1).ToArray();
        _outputs = plan.Outputs.Select(o => IndexOf(rest, o.Value) is int i and >= 0 ? (secondary, i) : (primary, IndexOf(front, o.Value))).ToArray();
        var stepOf = plan.Steps.Select((node, i) => (node, i)).ToDictionary(s => s.node, s => s.i);
        _primaryStepOf = front.Steps.Select(n => stepOf[n]).ToArray();
        _secondaryStepOf = rest.Steps.Select(n => stepOf[n]).ToArray();
        _stepTimes = new TimeSpan[plan.Steps.Count];
    }

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
        _primary.Run(cancellation);
        foreach (var (from, to, buffer) in _crossing)
        {
            _primary.GetOutput(from, buffer);
            _secondary.SetInput(to, buffer);
        }
        _secondary.Run(cancellation);
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
