using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Backends;

/// <summary>
/// An execution engine. <see cref="Prepare"/> binds one <see cref="ExecutionPlan"/> (a graph at one
/// input size, with its memory plan) and the model's weights to this backend's kernels and layout;
/// the result runs that plan any number of times without allocating.
/// </summary>
public interface IBackend
{
    /// <summary>Short name used by <c>--device</c> (<c>cpu</c>, later <c>cuda</c>).</summary>
    string Name { get; }

    IPlanExecutor Prepare(ExecutionPlan plan, ModelWeights weights);
}

/// <summary>A plan bound to a backend. Not thread-safe: one run at a time.</summary>
public interface IPlanExecutor : IDisposable
{
    ExecutionPlan Plan { get; }

    /// <summary>Runs the plan on an NCHW input of exactly the plan's input shape.</summary>
    void Run(ReadOnlySpan<float> inputNchw);

    /// <summary>Copies a named graph output (logical NCHW, or [K, 4] for anchors) into <paramref name="destination"/>.</summary>
    void ReadOutput(string name, Span<float> destination);
}
