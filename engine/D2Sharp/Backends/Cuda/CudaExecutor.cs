using System.Runtime.InteropServices;
using D2Sharp.Bindings;
using D2Sharp.Graph;
using D2Sharp.Memory;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// One plan on the GPU. Prepare lays the plan out in the shared device arena, makes every step's
/// per-plan state, computes the plan constants (anchor grids) once, and allocates the pinned
/// staging the boundary copies go through. The first <see cref="Run(CancellationToken)"/> captures
/// every step into a CUDA graph; later runs launch that graph once (captured again only if a larger
/// plan moved the arena). A HybridBackend runs the plan in segments, one range of steps at a time: each range gets
/// its graph. Feature maps cross the boundary as NCHW, converted on the device. A row-wise step on
/// the ROI heads' slots (<see cref="Node.SlotCount"/>) runs on every slot and then has the rows of
/// the unused slots zeroed, reading the count on the device, as the host backends leave them: the
/// captured graph is right for any count.
/// </summary>
internal sealed unsafe class CudaExecutor : IStepRangeExecutor
{
    private readonly CudaModel _model;
    private readonly CudaStep[] _steps;
    private readonly CudaStep[] _constantSteps;
    private readonly DeviceMemoryHandle? _constants;
    private readonly DeviceMemoryHandle _deviceStaging;
    private readonly PinnedHostMemoryHandle _hostStaging;
    private readonly TimeSpan[] _stepTimes;
    private readonly CudaEventHandle[] _events;
    /// <summary>The image-size inputs of NormalizeImage steps, with their pixel buffers' shapes: checked on the host as they are written, as the host kernels check them.</summary>
    private readonly Dictionary<Value, int[]> _imageSizes;
    /// <summary>The captured graph of each range of steps run so far (one: the whole plan, unless a HybridBackend runs it in segments).</summary>
    private readonly List<(int First, int End, CudaGraphExecHandle Graph)> _graphs = [];
    private int _capturedGeneration = -1;
    private bool _disposed;

    public CudaExecutor(CudaModel model, ExecutionPlan plan)
    {
        _model = model;
        Plan = plan;
        var device = model.Device;
        _imageSizes = plan.Steps.Where(n => n.Op is Ops.NormalizeImage).ToDictionary(n => n.Inputs[1], n => plan.ShapeOf(n.Inputs[0]));
        _steps = plan.Steps.Select(n => NewStep(n, plan)).ToArray();
        _constantSteps = plan.ShapeOnlyNodes.Select(n => NewStep(n, plan)).ToArray();
        try
        {
            var scratch = _steps.ToDictionary(s => s.Node, s => s.ScratchBytes);
            Layout = ArenaLayout.Plan(plan, CudaModel.Alignment, v => plan.ElementsOf(v) * v.Type.SizeOf(),
                node => scratch.GetValueOrDefault(node));
            model.Arena.Ensure(Layout.Arena.Size);
            if (Layout.ConstantSize > 0) _constants = DeviceMemoryHandle.Allocate((nuint)Layout.ConstantSize);
            long staging = plan.Inputs.Concat(plan.Outputs.Select(o => o.Value))
                .Select(v => plan.ElementsOf(v) * v.Type.SizeOf()).DefaultIfEmpty(0).Max();
            _deviceStaging = DeviceMemoryHandle.Allocate((nuint)Math.Max(staging, 256));
            _hostStaging = PinnedHostMemoryHandle.Allocate((nuint)Math.Max(staging, 256));
            foreach (var step in _constantSteps) Enqueue(step);
            device.Synchronize("computing the plan constants");
            _stepTimes = new TimeSpan[_steps.Length];
            _events = new CudaEventHandle[_steps.Length + 1];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ExecutionPlan Plan { get; }
    public ArenaLayout Layout { get; } = null!;
    public bool RecordStepTimes { get; set; }
    public ReadOnlySpan<TimeSpan> StepTimes => _stepTimes;

    private CudaStep NewStep(Node node, ExecutionPlan plan)
    {
        var step = new CudaStep(node, CudaModel.KernelFor(node), _model.WeightsFor(node), _model.Device, plan);
        try
        {
            step.Kernel.Prepare(step);
        }
        catch (Exception e) when (e is not ExecutionException)
        {
            throw Failure(step, "preparing", e);
        }
        return step;
    }

    private ulong ConstantsAddress => _constants?.Address ?? 0;

    public void SetInput(int index, ReadOnlySpan<byte> data)
    {
        Begin();
        var value = Plan.Inputs[index];
        long bytes = CheckBytes(value, data.Length);
        if (_imageSizes.TryGetValue(value, out var pixels)) Ops.NormalizeImage.CheckImageSizes(MemoryMarshal.Cast<byte, int>(data), pixels);
        ulong target = CudaStep.Address(Layout, value, _model.Arena.Address, ConstantsAddress);
        data.CopyTo(new Span<byte>(_hostStaging.Pointer, data.Length));
        var stream = _model.Device.StreamHandle;
        if (value.IsFeatureMap)
        {
            Check(CudaDriver.cuMemcpyHtoDAsync_v2(_deviceStaging.Address, _hostStaging.Pointer, (nuint)bytes, stream), "cuMemcpyHtoDAsync_v2", value);
            Kernels.LayoutKernels.NchwToNhwc(_model.Device, _deviceStaging.Address, target, Plan.ShapeOf(value), value.Name);
        }
        else Check(CudaDriver.cuMemcpyHtoDAsync_v2(target, _hostStaging.Pointer, (nuint)bytes, stream), "cuMemcpyHtoDAsync_v2", value);
        _model.Device.Synchronize($"writing input '{value.Name}'");
    }

    public void Run(CancellationToken cancellation = default) => Run(0, _steps.Length, cancellation);

    public void Run(int first, int end, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        StepRange.Check(first, end, _steps.Length);
        Begin();
        if (RecordStepTimes) RunTimed(first, end);
        else if (_model.Backend.UseGraphs)
        {
            var status = CudaDriver.cuGraphLaunch(GraphOf(first, end).DangerousGetHandle(), _model.Device.StreamHandle);
            if (status != CuResult.Success) throw new ExecutionException($"launching the plan's CUDA graph failed: {CudaException.Describe(status)}");
            Synchronize("the plan's CUDA graph");
        }
        else
        {
            for (int i = first; i < end; i++) Enqueue(_steps[i]);
            Synchronize("the plan's steps");
        }
    }

    /// <summary>The graph of steps [first, end), captured on first use and again after the arena moved.</summary>
    private CudaGraphExecHandle GraphOf(int first, int end)
    {
        if (_capturedGeneration != _model.Arena.Generation)
        {
            foreach (var entry in _graphs) entry.Graph.Dispose();
            _graphs.Clear();
            _capturedGeneration = _model.Arena.Generation;
        }
        foreach (var entry in _graphs)
            if (entry.First == first && entry.End == end) return entry.Graph;
        var graph = Capture(first, end);
        _graphs.Add((first, end, graph));
        return graph;
    }

    public void GetOutput(int index, Span<byte> destination)
    {
        Begin();
        var value = Plan.Outputs[index].Value;
        long bytes = CheckBytes(value, destination.Length);
        ulong source = CudaStep.Address(Layout, value, _model.Arena.Address, ConstantsAddress);
        var stream = _model.Device.StreamHandle;
        if (value.IsFeatureMap)
        {
            Kernels.LayoutKernels.NhwcToNchw(_model.Device, source, _deviceStaging.Address, Plan.ShapeOf(value), value.Name);
            source = _deviceStaging.Address;
        }
        Check(CudaDriver.cuMemcpyDtoHAsync_v2(_hostStaging.Pointer, source, (nuint)bytes, stream), "cuMemcpyDtoHAsync_v2", value);
        _model.Device.Synchronize($"reading output '{value.Name}'");
        new ReadOnlySpan<byte>(_hostStaging.Pointer, destination.Length).CopyTo(destination);
    }

    /// <summary>Records steps [first, end) into a CUDA graph against the arena's current address.</summary>
    private CudaGraphExecHandle Capture(int first, int end)
    {
        var stream = _model.Device.Stream;
        try
        {
            CudaGraphHandle.BeginCapture(stream, CuStreamCaptureMode.ThreadLocal);
            CudaGraphHandle graph;
            try
            {
                for (int i = first; i < end; i++) Enqueue(_steps[i]);
            }
            finally
            {
                graph = CudaGraphHandle.EndCapture(stream);
            }
            using (graph) return CudaGraphExecHandle.Instantiate(graph);
        }
        catch (CudaException e)
        {
            throw new ExecutionException($"capturing the plan as a CUDA graph failed: {e.Message} (run with graphs off to find the step)", e);
        }
    }

    /// <summary>Launches steps [first, end) one by one with an event between steps, for <see cref="RecordStepTimes"/>.</summary>
    private void RunTimed(int first, int end)
    {
        var stream = _model.Device.StreamHandle;
        for (int i = 0; i < _events.Length; i++) _events[i] ??= CudaEventHandle.Create();
        Check(CudaDriver.cuEventRecord(_events[first].DangerousGetHandle(), stream), "cuEventRecord");
        for (int i = first; i < end; i++)
        {
            Enqueue(_steps[i]);
            Check(CudaDriver.cuEventRecord(_events[i + 1].DangerousGetHandle(), stream), "cuEventRecord");
        }
        Synchronize("the plan's steps");
        for (int i = first; i < end; i++)
        {
            Check(CudaDriver.cuEventElapsedTime(out float ms, _events[i].DangerousGetHandle(), _events[i + 1].DangerousGetHandle()), "cuEventElapsedTime");
            _stepTimes[i] = TimeSpan.FromMilliseconds(ms);
        }
    }

    /// <summary>Points the step at the arena's current address and issues its launches (no closure: runs without a graph allocate nothing either).</summary>
    private void Enqueue(CudaStep step)
    {
        step.Locate(Layout, _model.Arena.Address, ConstantsAddress);
        try
        {
            step.Kernel.Enqueue(step);
            if (step.Node.SlotCount != null) Kernels.SlotRows.ZeroUnused(step);
        }
        catch (Exception e) when (e is not ExecutionException)
        {
            throw Failure(step, "running", e);
        }
    }

    private static ExecutionException Failure(CudaStep step, string what, Exception e) =>
        new($"node '{step.Node.Name}' ({step.Op.Kind}) failed {what} on the cuda backend: {e.Message}", e);

    private void Synchronize(string what)
    {
        var status = CudaDriver.cuStreamSynchronize(_model.Device.StreamHandle);
        if (status != CuResult.Success)
            throw new ExecutionException($"{what} failed on the GPU: {CudaException.Describe(status)}" +
                (RecordStepTimes || !_model.Backend.UseGraphs ? "" : " (run with graphs off or step timing to narrow it down)"));
    }

    private void Begin()
    {
        ObjectDisposedException.ThrowIf(_disposed || _model.IsDisposed, this);
        _model.Device.MakeCurrent();
    }

    private long CheckBytes(Value value, int bytes)
    {
        var shape = Plan.ShapeOf(value);
        long expected = Tensor.CountElements(shape) * value.Type.SizeOf();
        if (bytes != expected)
            throw new ArgumentException($"'{value.Name}' is {value.Type.Name()} {Tensor.ShapeString(shape)} ({expected} bytes), the buffer has {bytes}");
        return expected;
    }

    private static void Check(CuResult status, string call, Value? value = null)
    {
        if (status != CuResult.Success)
            CudaException.ThrowIfFailed(status, value == null ? call : $"{call} for '{value.Name}'");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_model.IsDisposed) _model.Device.MakeCurrent();
        foreach (var entry in _graphs) entry.Graph.Dispose();
        foreach (var e in _events ?? []) e?.Dispose();
        foreach (var step in _steps.Concat(_constantSteps)) step.Dispose();
        _constants?.Dispose();
        _deviceStaging?.Dispose();
        _hostStaging?.Dispose();
    }
}
