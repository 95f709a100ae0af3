using System.Diagnostics.CodeAnalysis;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Hybrid;

/// <summary>
/// Runs each plan in segments alternating between <see cref="Primary"/> (the GPU) and
/// <see cref="Secondary"/> (the CPU) (<see cref="PlanSplit"/>): the primary runs every step it has a
/// kernel for, the secondary the rest, the values that cross over copied once per run. What
/// <c>--device cuda</c> is while the CUDA backend lacks some head ops: the backbone, the RPN head,
/// ROIAlign and the ROI heads' convolutions and FC layers run on the GPU; top-k, NMS, box decoding
/// and the inference ops between them on the CPU.
/// </summary>
public sealed class HybridBackend : IBackend
{
    private readonly IPartialBackend _primary;

    /// <param name="primary">The backend that runs the steps it has kernels for; it must be able to bind a graph partially and run a plan in ranges of steps (the CUDA and host backends can).</param>
    /// <param name="secondary">The backend that runs the rest; it must run every op and run a plan in ranges of steps (the host backends do).</param>
    public HybridBackend(IBackend primary, IBackend secondary)
    {
        _primary = primary as IPartialBackend ?? throw new ArgumentException($"the {primary.Name} backend cannot bind a graph partially", nameof(primary));
        Secondary = secondary;
    }

    /// <summary>The backend that runs the parts of each plan it has kernels for (the GPU).</summary>
    public IBackend Primary => _primary;
    /// <summary>The backend that runs the rest (the CPU).</summary>
    public IBackend Secondary { get; }

    /// <summary>The primary's name: the device the caller asked for.</summary>
    public string Name => _primary.Name;

    /// <inheritdoc/>
    public bool Supports(Op op, [NotNullWhen(false)] out string? reason) => Secondary.Supports(op, out reason) || _primary.Supports(op, out reason);

    /// <inheritdoc/>
    public IBoundModel Bind(ModelGraph graph, ModelWeights weights)
    {
        var primary = _primary.BindSupported(graph, weights);
        try
        {
            return new HybridModel(this, primary, Secondary.Bind(graph, weights));
        }
        catch
        {
            primary.Dispose();
            throw;
        }
    }
}
