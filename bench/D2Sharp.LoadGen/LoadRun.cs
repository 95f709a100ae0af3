using System.Diagnostics;

namespace D2Sharp.LoadGen;

/// <summary>One run: a fixed number of requests shared out among concurrent clients, stopped early at a time budget.</summary>
internal sealed class LoadRun
{
    private readonly List<double> _latenciesMs = [];
    private int _errors;
    private string? _firstError;

    public TimeSpan Elapsed { get; private set; }

    public static async Task<LoadRun> RunAsync(ILoadTarget target, byte[] image, int requests, int clients, TimeSpan budget)
    {
        var run = new LoadRun();
        int next = 0;
        var clock = Stopwatch.StartNew();

        async Task Client()
        {
            while (clock.Elapsed < budget && Interlocked.Increment(ref next) <= requests)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await target.DetectAsync(image);
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (run._latenciesMs) run._latenciesMs.Add(ms);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref run._errors);
                    Interlocked.CompareExchange(ref run._firstError, e.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
        run.Elapsed = clock.Elapsed;
        return run;
    }

    /// <summary>One line: requests, throughput, p50 and p99 latency (nearest rank), errors.</summary>
    public string Summary(int clients)
    {
        var sorted = _latenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return $"clients {clients,3}: {sorted.Length,5} ok in {Elapsed.TotalSeconds,7:F2} s  {sorted.Length / Elapsed.TotalSeconds,8:F2} req/s  " +
            $"p50 {Percentile(0.50),8:F1} ms  p99 {Percentile(0.99),8:F1} ms  errors {_errors}" + (_firstError != null ? $" (first: {_firstError})" : "");
    }
}
