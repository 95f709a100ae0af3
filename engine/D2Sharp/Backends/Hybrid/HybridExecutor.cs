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
    private readonly (IPlanExecutor Executor, int Index)[] _inputs2, _inputs1;
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
        _inputs1 = plan.Inputs.Select(v => (primary, front.InputIndex(v.Name))).ToArray();
        _inputs2 = plan.Inputs.Select(v => split.SecondaryInputs.Contains(v) ? (secondary, rest.InputIndex(v.Name)) : (null!, -1)).ToArray();
        _outputs = plan.Outputs.Select(o => IndexOf(rest, o.Value) is int i and >= 0 ? (secondary, i) : (primary, IndexOf(front, o.Value))).ToArray();
        _primaryStepOf = front.Steps.Select(n => plan.Steps.ToList().IndexOf(n)).ToArray();
        _secondaryStepOf = rest.Steps.Select(n => plan.Steps.ToList().IndexOf(n)).ToArray();
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
        _primary.SetInput(_inputs1[index].Index, data);
        if (_inputs2[index].Index >= 0) _secondary.SetInput(_inputs2[index].Index, data);
    }

    public void Run()
    {
        _primary.Run();
        foreach (var (from, to, buffer) in _crossing)
        {
            _primary.GetOutput(from, buffer);
            _secondary.SetInput(to, buffer);
        }
        _secondary.Run();
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
