using System.Diagnostics;
using System.Diagnostics.Metrics;
using D2Sharp.Serving.Batching;

namespace D2Sharp.Serving;

/// <summary>
/// The server's instruments, on the meter <see cref="MeterName"/> (exported at /metrics):
/// requests by model, call and status, their latency, batch sizes, queue depth, and each model's
/// arena (device memory on a GPU). Process memory comes from .NET's own System.Runtime meter.
/// </summary>
internal sealed class ServingMetrics
{
    public const string MeterName = "D2Sharp.Serving";

    /// <summary>The model label of a request naming no model this server holds.</summary>
    public const string UnknownModel = "(unknown)";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;

    public ServingMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("d2sharp.serving.requests", "{request}", "Requests answered, by model, call and gRPC status");
        _duration = _meter.CreateHistogram("d2sharp.serving.request.duration", "s", "Time from a request's arrival to its answer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _batchSize = _meter.CreateHistogram("d2sharp.serving.batch.size", "{image}", "Images per model run",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64] });
    }

    /// <summary>Adds the gauges read from the models when metrics are collected.</summary>
    public void ObserveModels(Func<IEnumerable<ModelHost>> hosts)
    {
        _meter.CreateObservableGauge("d2sharp.serving.queue.depth", () => hosts().Select(h => new Measurement<int>(h.QueueDepth, Model(h.Name))),
            "{request}", "Requests waiting in the model's queue");
        _meter.CreateObservableGauge("d2sharp.serving.arena.bytes",
            () => hosts().Where(h => h.Current != null).Select(h => new Measurement<long>(h.Current!.Session.ArenaBytes, Model(h.Name))),
            "By", "The model's activation arena: host memory on the CPU, device memory on a GPU");
    }

    public void Request(string model, string call, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "model", model }, { "call", call }, { "status", status } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void BatchRan(string model, int size) => _batchSize.Record(size, Model(model));

    private static KeyValuePair<string, object?> Model(string name) => new("model", name);
}
