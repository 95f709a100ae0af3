using System.Diagnostics.CodeAnalysis;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Host;

/// <summary>
/// What the reference and the CPU backend share: NHWC float32 feature maps in one native arena per
/// bound model, a persistent worker pool, and one <see cref="HostKernel"/> per op type from the
/// backend's own table. The backends differ only in their kernels.
/// </summary>
public abstract class HostBackend : IPartialBackend
{
    /// <param name="threads">Threads per bound model, the caller included; 0 means one per processor.</param>
    protected HostBackend(int threads)
    {
        Threads = threads >= 0 ? threads : throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be 0 (one per processor) or more");
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>Threads per bound model, the caller included, as given to the constructor; 0 means one per processor.</summary>
    public int Threads { get; }

    /// <summary>This backend's kernel for an op, or null when it has none.</summary>
    internal abstract HostKernel? KernelFor(Op op);

    /// <inheritdoc/>
    public bool Supports(Op op, [NotNullWhen(false)] out string? reason)
    {
        reason = KernelFor(op) == null ? $"the {Name} backend has no kernel for {op.Kind}" : null;
        return reason == null;
    }

    /// <inheritdoc/>
    public IBoundModel Bind(ModelGraph graph, ModelWeights weights)
    {
        if (weights.Graph != graph) throw new ArgumentException("the weights were prepared for a different graph");
        var unsupported = graph.Nodes.Where(n => !Supports(n.Op, out _)).Select(n => $"'{n.Name}' ({n.Op.Kind})").ToList();
        if (unsupported.Count > 0)
            throw new ExecutionException($"the {Name} backend cannot run {string.Join(", ", unsupported)}");
        return new HostModel(this, graph, weights);
    }

    IBoundModel IPartialBackend.BindSupported(ModelGraph graph, ModelWeights weights)
    {
        if (weights.Graph != graph) throw new ArgumentException("the weights were prepared for a different graph");
        return new HostModel(this, graph, weights);
    }
}
