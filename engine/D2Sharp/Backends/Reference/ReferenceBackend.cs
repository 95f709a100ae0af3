using System.Diagnostics.CodeAnalysis;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference;

/// <summary>
/// Runs every op through its plain reference kernel (<c>Kernels/</c>) on NHWC float32 in one native
/// arena. Slow but obviously correct: the executable spec that every faster backend is checked
/// against, op by op.
/// </summary>
/// <param name="threads">Threads per bound model, the caller included; 0 means one per processor.</param>
public sealed class ReferenceBackend(int threads = 0) : IBackend
{
    public string Name => "reference";

    public int Threads { get; } = threads >= 0 ? threads : throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be 0 (one per processor) or more");

    public bool Supports(Op op, [NotNullWhen(false)] out string? reason)
    {
        reason = ReferenceKernels.For(op) == null ? $"the reference backend has no kernel for {op.Kind}" : null;
        return reason == null;
    }

    public IBoundModel Bind(ModelGraph graph, ModelWeights weights)
    {
        if (weights.Graph != graph) throw new ArgumentException("the weights were prepared for a different graph");
        var unsupported = graph.Nodes.Where(n => !Supports(n.Op, out _)).Select(n => $"'{n.Name}' ({n.Op.Kind})").ToList();
        if (unsupported.Count > 0)
            throw new ExecutionException($"the reference backend cannot run {string.Join(", ", unsupported)}");
        return new ReferenceModel(this, graph, weights);
    }
}
