using D2Sharp.Imaging;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving.Batching;

/// <summary>
/// One served model: its current load, its request queue, and the loop that runs the queue in
/// batches on one thread (a session runs one batch at a time anyway). A reload swaps the current
/// load; the batch running meanwhile ends on the old one, which is freed after it.
/// </summary>
internal sealed class ModelHost : IAsyncDisposable
{
    private readonly ModelSource _source;
    private readonly ServingOptions _options;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _log;
    private readonly RequestQueue _queue;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private LoadedModel? _current;
    private Task _loop = Task.CompletedTask;
    // Requests between their queueing and their answer (or their caller's giving up): queued or in the batch running.
    private int _held;

    public ModelHost(ModelSource source, ServingOptions options, ServingMetrics metrics, ILogger log)
    {
        _source = source;
        _options = options;
        _metrics = metrics;
        _log = log;
        _queue = new RequestQueue(options.QueueCapacity);
    }

    public string Name => _source.Name;
    public int QueueDepth => _queue.Depth;

    /// <summary>
    /// Its load now: requests waiting in the queue and those taken into the batch running (read
    /// without a lock, so the two may be a request apart while one moves between them).
    /// </summary>
    public ModelLoad Measure()
    {
        int queued = _queue.Depth;
        return new ModelLoad(Current != null, queued, Math.Max(0, Volatile.Read(ref _held) - queued));
    }

    /// <summary>The load new requests run on; null until the model has loaded.</summary>
    public LoadedModel? Current => Volatile.Read(ref _current);

    /// <summary>
    /// Test hook: awaited when a request is waiting, with the load the next batch runs on held and
    /// before that batch is cut, so a test can fill the queue or reload while a batch is under way.
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeBatch { get; set; }

    /// <summary>Loads the model (on the calling thread) and starts the batch loop.</summary>
    public void Load()
    {
        Volatile.Write(ref _current, LoadedModel.Load(_source, _log, generation: 1));
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>Loads the model again from its files and makes the new load current; the old one serves until then.</summary>
    public async Task<LoadedModel> ReloadAsync(CancellationToken cancellation)
    {
        await _reloading.WaitAsync(cancellation);
        try
        {
            var old = Current ?? throw new ModelUnavailableException($"model '{Name}' is still loading");
            var fresh = await Task.Run(() => LoadedModel.Load(_source, _log, old.Generation + 1), cancellation);
            Volatile.Write(ref _current, fresh);
            old.Release();
            ServingLog.Reloaded(_log, Name, fresh.Generation);
            return fresh;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Queues <paramref name="image"/> and returns its share of the batch it ran in.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired first; a queued request is dropped.</exception>
    public async Task<BatchOutcome> RunAsync(Image image, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var request = new PendingRequest(image);
        _queue.Enqueue(request, Name);
        Interlocked.Increment(ref _held);
        try
        {
            return await request.Outcome.WaitAsync(cancellation);
        }
        finally
        {
            // A caller that stopped waiting (cancelled, past its deadline) leaves the queue at once.
            _queue.Drop(request);
            Interlocked.Decrement(ref _held);
        }
    }

    private async Task RunLoopAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (await _queue.WaitAsync(stopping))
            {
                var model = Acquire();
                try
                {
                    if (BeforeBatch is { } hook) await hook(stopping);
                    var batch = await _queue.NextBatchAsync(r => model.PaddedSize(r.Image), _options.MaxBatch, _options.MaxDelay, stopping);
                    if (batch.Count > 0) Run(batch, model);
                }
                finally
                {
                    model.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed: DisposeAsync answers what is left in the queue.
        }
    }

    private LoadedModel Acquire()
    {
        while (true)
        {
            // A reload may free the load read here before it is acquired; the next read sees the new one.
            var model = Current!;
            if (model.TryAcquire()) return model;
        }
    }

    private void Run(List<PendingRequest> batch, LoadedModel model)
    {
        try
        {
            var format = model.Session.Model.InputFormat;
            var result = model.Session.Run(batch.Select(r => ImageInputs.InFormat(r.Image, format)).ToList(), _stopping.Token);
            _metrics.BatchRan(Name, batch.Count);
            for (int i = 0; i < batch.Count; i++) batch[i].Complete(new BatchOutcome(model, result, i));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            foreach (var request in batch) request.Fail(Stopping());
        }
        catch (Exception e)
        {
            // The batch's requests get the error (each call logs an unforeseen one); the loop goes on.
            foreach (var request in batch) request.Fail(e);
        }
    }

    private ModelUnavailableException Stopping() => new($"model '{Name}' stopped before the request ran: the server is stopping");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        foreach (var request in _queue.Close()) request.Fail(Stopping());
        Current?.Release();
        _stopping.Dispose();
        _reloading.Dispose();
    }
}
