namespace D2Sharp.Runtime;

/// <summary>
/// Mutual exclusion that admits callers in the order they arrived. A session serialises its runs;
/// with Monitor or <see cref="Lock"/> a caller that arrives while a run ends can overtake the ones
/// already waiting, so under a steady stream of callers one of them may wait many runs. With
/// tickets every caller waits at most for those ahead of it. Not reentrant.
/// A synchronous caller blocks its thread; an asynchronous one (<see cref="EnterAsync"/>) holds no
/// thread while it waits, so many awaiting callers do not starve the thread pool (they did when
/// RunAsync blocked a pool thread each: p99 1 s with 8 callers on 2 cores). Both kinds share one
/// queue. Entering an idle gate synchronously allocates nothing.
/// </summary>
internal sealed class FifoGate
{
    private readonly object _sync = new();
    private long _next, _serving;
    // Asynchronous waiters by ticket; a synchronous waiter watches _serving instead.
    private readonly Dictionary<long, TaskCompletionSource<Turn>> _awaiting = [];
    // Tickets whose asynchronous caller gave up (cancelled) before its turn: skipped when reached.
    private readonly HashSet<long> _abandoned = [];

    /// <summary>Waits for this caller's turn; dispose the result to let the next one in.</summary>
    public Turn Enter()
    {
        lock (_sync)
        {
            long ticket = _next++;
            while (ticket != _serving) Monitor.Wait(_sync);
        }
        return new Turn(this);
    }

    /// <summary>
    /// Waits for this caller's turn without holding a thread. Cancelled before its turn, the call
    /// throws <see cref="OperationCanceledException"/> and its place is given up; once granted,
    /// the turn is the caller's to dispose.
    /// </summary>
    public Task<Turn> EnterAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        TaskCompletionSource<Turn> waiter;
        long ticket;
        lock (_sync)
        {
            ticket = _next++;
            if (ticket == _serving) return Task.FromResult(new Turn(this));
            // Asynchronous continuations: the exiting caller must not run the next one's work inline.
            waiter = new TaskCompletionSource<Turn>(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaiting.Add(ticket, waiter);
        }
        if (cancellation.CanBeCanceled)
        {
            var registration = cancellation.Register(() => GiveUp(ticket, cancellation));
            waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, TaskScheduler.Default);
        }
        return waiter.Task;
    }

    private void GiveUp(long ticket, CancellationToken cancellation)
    {
        lock (_sync)
        {
            // Already granted: the turn stands and the caller disposes it.
            if (!_awaiting.Remove(ticket, out var waiter)) return;
            _abandoned.Add(ticket);
            waiter.TrySetCanceled(cancellation);
        }
    }

    private void Exit()
    {
        lock (_sync)
        {
            _serving++;
            while (_abandoned.Remove(_serving)) _serving++;
            if (_awaiting.Remove(_serving, out var waiter)) waiter.TrySetResult(new Turn(this));
            else Monitor.PulseAll(_sync);
        }
    }

    /// <summary>The caller's turn at the gate, until disposed.</summary>
    public readonly struct Turn(FifoGate gate) : IDisposable
    {
        /// <summary>Lets the next caller in.</summary>
        public void Dispose() => gate.Exit();
    }
}
