using System.Diagnostics;
using System.Threading.Channels;

namespace D2Sharp.Serving.Batching;

/// <summary>
/// A model's bounded queue and how batches are cut from it. A batch holds requests whose images
/// run at the same padded size, so each image gets exactly the input it would get alone and its
/// results never depend on the other requests in its batch (Detectron2's <c>ImageList</c> pads a
/// mixed batch to its largest image, which changes the convolutions at the smaller images' padded
/// edges). Requests of another size are held, in arrival order, for the next batch. One reader
/// (the model's batch loop) and any number of writers.
/// </summary>
internal sealed class RequestQueue(int capacity)
{
    private readonly Channel<PendingRequest> _channel = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    // Read from the channel but not yet run: another padded size than the batch being cut.
    private readonly List<PendingRequest> _held = [];
    // Queued requests, in the channel or held; the channel is unbounded so that this count is the one bound.
    private int _depth;

    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Queues <paramref name="request"/> until a batch takes it or <see cref="Drop"/> removes it.</summary>
    /// <exception cref="QueueFullException">The queue holds <c>capacity</c> requests already.</exception>
    /// <exception cref="ModelUnavailableException">The queue is closed: the server is stopping.</exception>
    public void Enqueue(PendingRequest request, string model)
    {
        if (Interlocked.Increment(ref _depth) > capacity)
        {
            Interlocked.Decrement(ref _depth);
            throw new QueueFullException($"model '{model}' has {capacity} requests waiting, as many as its queue holds (--queue-capacity); retry later");
        }
        if (!_channel.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _depth);
            throw new ModelUnavailableException($"model '{model}' is not taking requests: the server is stopping");
        }
    }

    /// <summary>
    /// Frees the place of a request whose caller stopped waiting, unless a batch took it first; the
    /// batch loop skips it when it comes to it.
    /// </summary>
    public void Drop(PendingRequest request)
    {
        if (request.TryDrop()) Interlocked.Decrement(ref _depth);
    }

    /// <summary>Waits until a request is queued; false once the queue is closed and empty.</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellation)
    {
        while (true)
        {
            _held.RemoveAll(r => !r.IsQueued);
            if (_held.Count > 0) return true;
            if (!await _channel.Reader.WaitToReadAsync(cancellation)) return false;
            if (_channel.Reader.TryPeek(out var next) && !next.IsQueued) _channel.Reader.TryRead(out _);
            else return true;
        }
    }

    /// <summary>
    /// Cuts the next batch: the oldest queued request and, up to <paramref name="maxBatch"/>, those
    /// of the same <paramref name="paddedSize"/>, waiting for more until <paramref name="maxDelay"/>
    /// after the oldest was queued. Empty when every queued request was dropped meanwhile.
    /// </summary>
    public async Task<List<PendingRequest>> NextBatchAsync(Func<PendingRequest, (int Height, int Width)> paddedSize, int maxBatch,
        TimeSpan maxDelay, CancellationToken cancellation)
    {
        var batch = new List<PendingRequest>(maxBatch);
        (int, int) size = default;
        long due = 0;

        // Admits a request to the batch when its size fits; false when it must wait for another batch.
        bool Admit(PendingRequest request)
        {
            if (batch.Count > 0 && paddedSize(request) != size) return false;
            if (!request.TryTake()) return true;
            Interlocked.Decrement(ref _depth);
            if (batch.Count == 0)
            {
                size = paddedSize(request);
                due = request.EnqueuedAt + (long)(maxDelay.TotalSeconds * Stopwatch.Frequency);
            }
            batch.Add(request);
            return true;
        }

        for (int i = 0; i < _held.Count && batch.Count < maxBatch;)
        {
            if (Admit(_held[i])) _held.RemoveAt(i);
            else i++;
        }
        while (batch.Count < maxBatch)
        {
            if (_channel.Reader.TryRead(out var request))
            {
                if (request.IsQueued && !Admit(request)) _held.Add(request);
                continue;
            }
            if (batch.Count == 0 || !await WaitForMoreAsync(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due), cancellation)) break;
        }
        return batch;
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for another request; false when none came, the queue
    /// closed or <paramref name="cancellation"/> fired (the batch cut so far is then still returned,
    /// so that its requests are answered rather than lost).
    /// </summary>
    private async ValueTask<bool> WaitForMoreAsync(TimeSpan wait, CancellationToken cancellation)
    {
        if (wait <= TimeSpan.Zero) return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(wait);
        try
        {
            return await _channel.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes the queue: later requests are refused; those still queued are returned, to be answered.</summary>
    public List<PendingRequest> Close()
    {
        _channel.Writer.TryComplete();
        var left = _held.Where(r => r.TryTake()).ToList();
        _held.Clear();
        while (_channel.Reader.TryRead(out var request))
            if (request.TryTake()) left.Add(request);
        Interlocked.Add(ref _depth, -left.Count);
        return left;
    }
}
