namespace D2Sharp.Runtime;

/// <summary>
/// Mutual exclusion that admits callers in the order they arrived. A session serialises its runs;
/// with Monitor or <see cref="Lock"/> a caller that arrives while a run ends can overtake the ones
/// already waiting, so under a steady stream of callers one of them may wait many runs. With
/// tickets every caller waits at most for those ahead of it. Not reentrant. Entering allocates nothing.
/// </summary>
internal sealed class FifoGate
{
    private readonly object _sync = new();
    private long _next, _serving;

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

    private void Exit()
    {
        lock (_sync)
        {
            _serving++;
            Monitor.PulseAll(_sync);
        }
    }

    /// <summary>The caller's turn at the gate, until disposed.</summary>
    public readonly struct Turn(FifoGate gate) : IDisposable
    {
        public void Dispose() => gate.Exit();
    }
}
