using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Host;

/// <summary>
/// A graph bound to a host backend: each node's kernel and its weights prepared once by that
/// kernel, the worker threads, and the arena every plan shares.
/// </summary>
internal sealed class HostModel : IBoundModel
{
    /// <summary>Offsets in the arena are multiples of this: a cache line, and the widest SIMD load.</summary>
    public const int Alignment = 64;

    private readonly HostKernel[] _kernels;
    private readonly object?[] _bound;

    public HostModel(HostBackend backend, ModelGraph graph, ModelWeights weights)
    {
        Backend = backend;
        Graph = graph;
        Weights = weights;
        _kernels = new HostKernel[graph.Nodes.Count];
        _bound = new object?[graph.Nodes.Count];
        foreach (var node in graph.Nodes)
        {
            // Bound partially (IPartialBackend), a node without a kernel keeps none; Prepare refuses plans that reach it.
            if (backend.KernelFor(node.Op) is not { } kernel) continue;
            _kernels[node.Id] = kernel;
            try
            {
                _bound[node.Id] = _kernels[node.Id].Bind(node, weights.TryFor(node));
            }
            catch (Exception e) when (e is not D2SharpException)
            {
                throw new ExecutionException($"node '{node.Name}' ({node.Op.Kind}): binding its weights failed on the {backend.Name} backend: {e.Message}", e);
            }
        }
        Pool = new WorkerPool(backend.Threads);
    }

    public ModelGraph Graph { get; }
    public HostBackend Backend { get; }
    IBackend IBoundModel.Backend => Backend;
    public ModelWeights Weights { get; }
    public WorkerPool Pool { get; }
    public GrowableArena Arena { get; } = new(Alignment);
    public bool IsDisposed { get; private set; }
    public long ArenaBytes => Arena.Capacity;

    public long ArenaLimit
    {
        get => Arena.Limit;
        set => Arena.Limit = value;
    }

    public HostKernel KernelFor(Node node) => _kernels[node.Id];
    public object? BoundFor(Node node) => _bound[node.Id];

    public IPlanExecutor Prepare(ExecutionPlan plan)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (plan.Graph != Graph) throw new ArgumentException("the plan is for a different graph than the bound model's");
        PartialBinding.CheckPlan(Backend, plan);
        return new HostExecutor(this, plan);
    }

    public void Dispose()
    {
        IsDisposed = true;
        Pool.Dispose();
        Arena.Dispose();
        foreach (var bound in _bound.OfType<IDisposable>()) bound.Dispose();
    }
}
