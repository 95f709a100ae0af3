using System.Diagnostics;
using System.Runtime.InteropServices;
using D2Sharp.Graph;
using D2Sharp.Memory;

namespace D2Sharp.Backends.Host;

/// <summary>
/// One plan on a host backend: its layout in the shared arena, its constants (computed here,
/// once), and one <see cref="KernelArgs"/> per step, so that a run only walks the steps.
/// </summary>
internal sealed unsafe class HostExecutor : IStepRangeExecutor
{
    private readonly HostModel _model;
    private readonly NativeBuffer _constants;
    private readonly KernelArgs[] _steps;
    private readonly TimeSpan[] _stepTimes;

    public HostExecutor(HostModel model, ExecutionPlan plan)
    {
        _model = model;
        Plan = plan;
        int workers = model.Pool.Workers;
        Layout = ArenaLayout.Plan(plan, HostModel.Alignment, v => plan.ElementsOf(v) * v.Type.SizeOf(),
            node => model.KernelFor(node).ScratchBytes(node, plan, workers));
        model.Arena.Ensure(Layout.Arena.Size);
        _constants = new NativeBuffer(Layout.ConstantSize, HostModel.Alignment, "the plan's constants");
        foreach (var node in plan.ShapeOnlyNodes) Execute(Args(node));
        _steps = plan.Steps.Select(Args).ToArray();
        _stepTimes = new TimeSpan[_steps.Length];
    }

    public ExecutionPlan Plan { get; }
    public ArenaLayout Layout { get; }

    private KernelArgs Args(Node node) => new(node, _model.KernelFor(node), _model.BoundFor(node),
        _model.Weights.TryFor(node), Plan, Layout, _model.Pool);

    public void SetInput(int index, ReadOnlySpan<byte> data)
    {
        var value = Plan.Inputs[index];
        var target = Locate(value, data.Length);
        if (value.IsFeatureMap) Layouts.NchwToNhwc(MemoryMarshal.Cast<byte, float>(data), target.Map());
        else data.CopyTo(target.Span<byte>());
    }

    public void Run(CancellationToken cancellation = default) => Run(0, _steps.Length, cancellation);

    public void Run(int first, int end, CancellationToken cancellation = default)
    {
        StepRange.Check(first, end, _steps.Length);
        for (int i = first; i < end; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            long start = RecordStepTimes ? Stopwatch.GetTimestamp() : 0;
            Execute(_steps[i]);
            if (RecordStepTimes) _stepTimes[i] = Stopwatch.GetElapsedTime(start);
        }
    }

    public bool RecordStepTimes { get; set; }

    public ReadOnlySpan<TimeSpan> StepTimes => _stepTimes;

    public void GetOutput(int index, Span<byte> destination)
    {
        var value = Plan.Outputs[index].Value;
        var source = Locate(value, destination.Length);
        if (value.IsFeatureMap) Layouts.NhwcToNchw(source.Map(), MemoryMarshal.Cast<byte, float>(destination));
        else source.Span<byte>().CopyTo(destination);
    }

    private void Execute(KernelArgs step)
    {
        ObjectDisposedException.ThrowIf(_model.IsDisposed, _model);
        step.Refresh(_model.Arena.Base, _constants.Pointer);
        try
        {
            if (step.Slots is { } slots) slots.Run(step, _model.Arena.Base, _constants.Pointer);
            else step.Kernel.Run(step);
        }
        catch (Exception e) when (e is not ExecutionException)
        {
            throw new ExecutionException($"node '{step.Node.Name}' ({step.Op.Kind}) failed on the {_model.Backend.Name} backend: {e.Message}", e);
        }
    }

    /// <summary>The memory of a plan input or output, after checking the caller's byte count.</summary>
    private TensorView Locate(Value value, int bytes)
    {
        var shape = Plan.ShapeOf(value);
        long expected = Tensor.CountElements(shape) * value.Type.SizeOf();
        if (bytes != expected)
            throw new ArgumentException($"'{value.Name}' is {value.Type.Name()} {Tensor.ShapeString(shape)} ({expected} bytes), the buffer has {bytes}");
        byte* start = (Layout.IsConstant(value) ? _constants.Pointer : _model.Arena.Base) + Layout.OffsetOf(value);
        return new TensorView(start, shape, value.Type);
    }

    public void Dispose() => _constants.Dispose();
}
