using System.Runtime.ExceptionServices;

namespace D2Sharp.Backends;

/// <summary>One parallel loop body: called once for every index of a <see cref="WorkerPool.For"/>.</summary>
public interface IParallelBody
{
    /// <param name="index">The loop index, 0 ≤ index &lt; count.</param>
    /// <param name="worker">Which worker runs it (0 ≤ worker &lt; <see cref="WorkerPool.Workers"/>), to pick its scratch.</param>
    void Execute(int index, int worker);
}

/// <summary>
/// A fixed set of threads created once per bound model: a parallel loop hands out indices to the
/// calling thread and the workers and waits for all of them, without creating threads, tasks or
/// closures, so a run allocates nothing. One loop at a time; bodies must not start another.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private IParallelBody? _body;
    private int _count, _next, _busy, _generation;
    private ExceptionDispatchInfo? _error;
    private bool _disposed;

    /// <param name="workers">Threads that run a loop, the caller included; 0 means one per processor.</param>
    public WorkerPool(int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        Workers = workers == 0 ? Environment.ProcessorCount : workers;
        _threads = new Thread[Workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"D2Sharp worker {worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads a loop runs on, the caller included (the constructor's 0 resolved to the processor count); workers are numbered 0 to Workers − 1.</summary>
    public int Workers { get; }

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) and rethrows the first failure.</summary>
    public void For(int count, IParallelBody body)
    {
        if (count <= 0) return;
        if (_threads.Length == 0 || count == 1)
        {
            for (int i = 0; i < count; i++) body.Execute(i, 0);
            return;
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_body != null) throw new InvalidOperationException("a parallel loop is already running on this pool");
            _body = body;
            _count = count;
            _next = 0;
            _busy = _threads.Length;
            _error = null;
            _generation++;
            Monitor.PulseAll(_gate);
        }
        Work(body, 0);
        ExceptionDispatchInfo? error;
        lock (_gate)
        {
            while (_busy > 0) Monitor.Wait(_gate);
            _body = null;
            error = _error;
        }
        error?.Throw();
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            IParallelBody body;
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                if (_disposed) return;
                seen = _generation;
                body = _body!;
            }
            Work(body, worker);
            lock (_gate)
            {
                if (--_busy == 0) Monitor.PulseAll(_gate);
            }
        }
    }

    private void Work(IParallelBody body, int worker)
    {
        while (true)
        {
            int index = Interlocked.Increment(ref _next) - 1;
            if (index >= _count) return;
            try
            {
                body.Execute(index, worker);
            }
            catch (Exception e)
            {
                lock (_gate) _error ??= ExceptionDispatchInfo.Capture(e);
                Interlocked.Exchange(ref _next, _count);
            }
        }
    }

    /// <summary>Stops the worker threads once they finish what they run; <see cref="For"/> then throws <see cref="ObjectDisposedException"/> (a loop that runs inline on the caller still runs). Safe to call twice.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
