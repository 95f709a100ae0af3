using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference;

/// <summary>
/// A graph bound to the reference backend: each node's weights prepared once by its kernel, the
/// worker threads, and the arena every plan shares.
/// </summary>
internal sealed class ReferenceModel : IBoundModel
{
    /// <summary>Offsets in the arena are multiples of this: a cache line, and the widest SIMD load.</summary>
    public const int Alignment = 64;

    private readonly object?[] _bound;

    public ReferenceModel(ReferenceBackend backend, ModelGraph graph, ModelWeights weights)
    {
        Backend = backend;
        Graph = graph;
        Weights = weights;
        _bound = new object?[graph.Nodes.Count];
        foreach (var node in graph.Nodes)
        {
            try
            {
                _bound[node.Id] = ReferenceKernels.For(node.Op)!.Bind(node, weights.TryFor(node));
            }
            catch (Exception e) when (e is not D2SharpException)
            {
                throw new ExecutionException($"node '{node.Name}' ({node.Op.Kind}): binding its weights failed on the reference backend: {e.Message}", e);
            }
        }
        Pool = new WorkerPool(backend.Threads);
    }

    public ModelGraph Graph { get; }
    public IBackend Backend { get; }
    public ModelWeights Weights { get; }
    public WorkerPool Pool { get; }
    public GrowableArena Arena { get; } = new(Alignment);
    public bool IsDisposed { get; private set; }
    public long ArenaBytes => Arena.Capacity;

    public object? BoundFor(Node node) => _bound[node.Id];

    public IPlanExecutor Prepare(ExecutionPlan plan)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (plan.Graph != Graph) throw new ArgumentException("the plan is for a different graph than the bound model's");
        return new ReferenceExecutor(this, plan);
    }

    public void Dispose()
    {
        IsDisposed = true;
        Pool.Dispose();
        Arena.Dispose();
    }
}
