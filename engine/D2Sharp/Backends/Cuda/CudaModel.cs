using D2Sharp.Bindings;
using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// A graph bound to a GPU: the device state (context, stream, cuDNN/cuBLAS handles, kernels), every
/// node's weights uploaded once, and the device arena that every plan shares.
/// </summary>
internal sealed class CudaModel : IBoundModel
{
    /// <summary>Offsets in the device arena are multiples of this: what cuDNN and float4 loads want.</summary>
    public const int Alignment = 256;

    private readonly IDisposable?[] _weights;

    public CudaModel(CudaBackend backend, ModelGraph graph, ModelWeights weights)
    {
        Backend = backend;
        Graph = graph;
        try
        {
            Device = new CudaDevice(backend.Device, backend.Precision);
        }
        catch (Exception e) when (e is CudaException or CudnnException or CublasException or DllNotFoundException)
        {
            throw new ExecutionException($"the cuda backend could not start on cuda:{backend.Device}: {e.Message}", e);
        }
        _weights = new IDisposable?[graph.Nodes.Count];
        try
        {
            foreach (var node in graph.Nodes)
            {
                if (!backend.Supports(node.Op, out _)) continue;  // bound partially: Prepare refuses plans that reach it
                try
                {
                    _weights[node.Id] = KernelFor(node).Bind(node, weights.TryFor(node), Device);
                }
                catch (Exception e) when (e is not D2SharpException)
                {
                    throw new ExecutionException($"node '{node.Name}' ({node.Op.Kind}): binding its weights failed on the cuda backend: {e.Message}", e);
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ModelGraph Graph { get; }
    public CudaBackend Backend { get; }
    IBackend IBoundModel.Backend => Backend;
    public CudaDevice Device { get; }
    public DeviceArena Arena { get; } = new();
    public bool IsDisposed { get; private set; }
    public long ArenaBytes => Arena.Capacity;

    public long ArenaLimit
    {
        get => Arena.Limit;
        set => Arena.Limit = value;
    }

    public static CudaKernel KernelFor(Node node) => CudaBackend.Kernels[node.Op.GetType()];
    public IDisposable? WeightsFor(Node node) => _weights[node.Id];

    public IPlanExecutor Prepare(ExecutionPlan plan)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (plan.Graph != Graph) throw new ArgumentException("the plan is for a different graph than the bound model's");
        PartialBinding.CheckPlan(Backend, plan);
        Device.MakeCurrent();
        return new CudaExecutor(this, plan);
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Device.MakeCurrent();
        Arena.Dispose();
        foreach (var weights in _weights) weights?.Dispose();
        Device.Dispose();
    }
}
