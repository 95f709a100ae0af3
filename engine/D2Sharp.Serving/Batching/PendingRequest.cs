using System.Diagnostics;
using D2Sharp.Imaging;

namespace D2Sharp.Serving.Batching;

/// <summary>
/// One image waiting in a model's queue. Its state moves once, from queued to taken (the batch
/// loop put it in a batch) or to dropped (its caller gave up first), so a request is never both
/// run and dropped however the two race.
/// </summary>
internal sealed class PendingRequest(Image image)
{
    private const int Queued = 0, Taken = 1, Dropped = 2;
    private int _state;
    private readonly TaskCompletionSource<BatchOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Image Image { get; } = image;
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
    public Task<BatchOutcome> Outcome => _outcome.Task;
    public bool IsQueued => Volatile.Read(ref _state) == Queued;

    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;
    public bool TryDrop() => Interlocked.CompareExchange(ref _state, Dropped, Queued) == Queued;

    public void Complete(BatchOutcome outcome) => _outcome.TrySetResult(outcome);
    public void Fail(Exception error) => _outcome.TrySetException(error);
}

/// <summary>What a batch gave one of its requests: the batch's result, the request's index in it, and the load that ran it.</summary>
internal sealed record BatchOutcome(LoadedModel Model, Runtime.InferenceResult Result, int Index);
