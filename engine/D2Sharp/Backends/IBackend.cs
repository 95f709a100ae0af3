using System.Diagnostics.CodeAnalysis;
using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends;

/// <summary>
/// An execution engine, used in two stages. <see cref="Bind"/> runs once per session: it packs,
/// converts or uploads the weights and chooses kernels. <see cref="IBoundModel.Prepare"/> runs once
/// per input size: memory layout, scratch, plan constants (and on CUDA the graph capture), with no
/// weight work. The resulting <see cref="IPlanExecutor"/> runs that plan any number of times.
/// </summary>
public interface IBackend
{
    /// <summary>Short name used by <c>--device</c> (<c>reference</c>, <c>cpu</c>, later <c>cuda</c>).</summary>
    string Name { get; }

    /// <summary>Whether this backend can run <paramref name="op"/>; when not, <paramref name="reason"/> says why.</summary>
    bool Supports(Op op, [NotNullWhen(false)] out string? reason);

    /// <summary>
    /// Binds the graph's weights to this backend. Throws an <see cref="ExecutionException"/> listing
    /// every node it cannot run.
    /// </summary>
    IBoundModel Bind(ModelGraph graph, ModelWeights weights);
}

/// <summary>A graph with its weights on one backend: the per-session state that every input size shares.</summary>
public interface IBoundModel : IDisposable
{
    /// <summary>The graph bound (its weights packed for <see cref="Backend"/>).</summary>
    ModelGraph Graph { get; }

    /// <summary>The backend the weights were bound to.</summary>
    IBackend Backend { get; }

    /// <summary>
    /// Lays out and readies one plan of <see cref="Graph"/>. Executors of one bound model share its
    /// arena (grown to the largest plan), so use them one at a time, as a session does.
    /// </summary>
    IPlanExecutor Prepare(ExecutionPlan plan);

    /// <summary>Bytes of the arena all plans share (the largest prepared so far).</summary>
    long ArenaBytes { get; }

    /// <summary>
    /// The most bytes the arena may grow to (default: no limit but what the machine or device
    /// holds). Preparing a plan that needs more throws <see cref="Memory.MemoryLimitException"/>
    /// and leaves the arena, and the plans already prepared, as they were.
    /// </summary>
    long ArenaLimit { get; set; }
}

/// <summary>
/// A plan bound to a backend: write the inputs, run, read the outputs. Inputs and outputs are
/// raw elements in the value's logical layout (NCHW for feature maps, row-major otherwise) and
/// data type. Not thread-safe; one run at a time per bound model.
/// </summary>
public interface IPlanExecutor : IDisposable
{
    /// <summary>The plan this executor runs: its steps, inputs, outputs and their shapes.</summary>
    ExecutionPlan Plan { get; }

    /// <summary>Where each of the plan's values lives in the shared arena (on a GPU: the device arena).</summary>
    ArenaLayout Layout { get; }

    /// <summary>Writes plan input <paramref name="index"/>; it stays as written until the next write.</summary>
    void SetInput(int index, ReadOnlySpan<byte> data);

    /// <summary>
    /// Runs the plan on the inputs as last written. Allocates nothing. <paramref name="cancellation"/>
    /// is checked between steps (on CUDA, before the plan's graph is launched) and ends the run with
    /// an <see cref="OperationCanceledException"/>; the next run starts afresh.
    /// </summary>
    void Run(CancellationToken cancellation = default);

    /// <summary>Copies plan output <paramref name="index"/> (of the last run) into <paramref name="destination"/>.</summary>
    void GetOutput(int index, Span<byte> destination);

    /// <summary>Whether <see cref="Run"/> records how long each step takes (for profiling; a timestamp per step).</summary>
    bool RecordStepTimes { get; set; }

    /// <summary>Each of <see cref="ExecutionPlan.Steps"/>' time in the last run made with <see cref="RecordStepTimes"/> on.</summary>
    ReadOnlySpan<TimeSpan> StepTimes { get; }
}
