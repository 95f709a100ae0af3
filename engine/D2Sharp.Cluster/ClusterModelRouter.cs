using System.Collections.Concurrent;
using D2Sharp.Serving;
using D2Sharp.Serving.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>
/// The <see cref="IModelRouter"/> of a cluster: each request goes to the worker grain of its model
/// on one of the silos that serve that model (each silo says which, <see cref="ISiloModelsGrain"/>),
/// the one with the least load (ties taken in turn), and, when that worker fails as a worker (its
/// silo died or left, the message was rejected, no answer within
/// <see cref="ClusterRouterOptions.AttemptTimeout"/>, or it is unavailable), once more to another
/// worker of the model; a second failure is a <see cref="ModelUnavailableException"/> naming both.
/// The request's own errors (a bad image, a full queue) come back as they are, without a retry. A
/// model no active silo serves is a <see cref="ModelNotFoundException"/>, or a
/// <see cref="ModelUnavailableException"/> when silos that served it have left.
/// </summary>
public sealed class ClusterModelRouter : IModelRouter, IAsyncDisposable
{
    // How a worker's load is measured, and why so. A worker's load is its silo's queue for the model
    // plus the batch it is running: every front-end's requests, which is what a new request waits
    // behind. A router counting only its own requests in flight cannot see the others', so two
    // front-ends pile onto the same idle-looking worker. Each router learns the real load two ways,
    // neither of them a round trip of its own on a request's path:
    //  - every worker's answer carries the load as the answer left (WorkerReply.Load): the workers
    //    a router uses are measured as often as it uses them, at the cost of a few bytes;
    //  - every MembershipRefresh (1 s) the router asks each active silo for its models and their
    //    loads (ISiloModelsGrain, one call per silo, bounded by ReportTimeout). This measures the
    //    workers it is avoiding (a busy worker it no longer sends to would otherwise look busy until
    //    its report aged out) and load that other front-ends put on workers it has not used lately;
    //    and the same call says which models the silo serves.
    // Between reports the router adds what it has itself done since: estimate = reported load +
    // (its requests in flight to the worker now − those in flight when the report came), and never
    // less than its own in flight. Other front-ends' changes since the report are unknown and taken
    // as none; they show at the next refresh, or sooner in an answer. A report older than
    // LoadReportLifetime is dropped (its silo stopped answering polls and this router stopped
    // sending there), and the load is the router's own in flight alone. Asking the worker on every
    // request would be exact but would double the messages per request; a shared load table (a
    // grain every router reads) would be one more hop and one more point of failure.
    private readonly IGrainFactory _grains;
    private readonly ClusterRouterOptions _options;
    private readonly LocalModelRouter? _local;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _suspectUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoadReport> _reports = new(StringComparer.Ordinal);
    // Models some silo has served to this router: when none serves one any more it is UNAVAILABLE (it may come back), not NOT_FOUND.
    private readonly ConcurrentDictionary<string, byte> _everServed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshing;
    private ClusterView _view = ClusterView.Empty;
    private int _turn;

    /// <param name="grains">Where the workers are: a silo's grain factory or a cluster client.</param>
    /// <param name="options">The timeouts and how often the cluster is read.</param>
    /// <param name="local">This process's own models when it is a silo: readiness waits for them.</param>
    /// <param name="log">Where worker failures are logged; none when null.</param>
    public ClusterModelRouter(IGrainFactory grains, ClusterRouterOptions options, LocalModelRouter? local = null, ILogger? log = null)
    {
        _grains = grains;
        _options = options;
        _local = local;
        _log = log ?? NullLogger.Instance;
        _refreshing = RefreshLoopAsync(_stop.Token);
    }

    /// <summary>This process's models (when it holds any) have loaded, and a silo of the cluster has said what it serves.</summary>
    public bool IsReady => (_local?.IsReady ?? true) && Volatile.Read(ref _view).WorkersOf.Count > 0;

    /// <summary>The active silos as last read from the cluster's membership.</summary>
    public IReadOnlyList<SiloAddress> Silos => Volatile.Read(ref _view).Silos;

    /// <summary>The models the active silos serve, as they last said.</summary>
    public IReadOnlyCollection<string> Models => Volatile.Read(ref _view).WorkersOf.Keys;

    /// <summary>The active silos that serve <paramref name="model"/>, as they last said.</summary>
    public IReadOnlyList<SiloAddress> ServedBy(string model) =>
        Volatile.Read(ref _view).WorkersOf.GetValueOrDefault(model)?.Select(WorkerKey.Silo).ToList() ?? [];

    /// <summary>Requests each worker (by <see cref="WorkerKey"/>) has answered through this router.</summary>
    public IReadOnlyDictionary<string, long> Served => new Dictionary<string, long>(_served);

    /// <summary>Requests in flight from this router to <paramref name="worker"/> (a <see cref="WorkerKey"/>).</summary>
    public int InFlight(string worker) => _inFlight.GetValueOrDefault(worker);

    /// <summary>
    /// The load this router routes <paramref name="worker"/> by: the worker's last reported load (every
    /// front-end's requests queued or running there), corrected by this router's requests sent or
    /// answered since; its own requests in flight alone when it has no report younger than
    /// <see cref="ClusterRouterOptions.LoadReportLifetime"/>.
    /// </summary>
    public int EstimatedLoad(string worker)
    {
        int own = _inFlight.GetValueOrDefault(worker);
        if (!_reports.TryGetValue(worker, out var report) || Environment.TickCount64 - report.ReceivedAt > _options.LoadReportLifetime.TotalMilliseconds)
            return own;
        return Math.Max(own, report.Load.Total + own - report.OwnInFlight);
    }

    /// <summary>
    /// Reads the active silos now, and asks each for its models and their loads (the router also does
    /// so every <see cref="ClusterRouterOptions.MembershipRefresh"/>). A silo that does not answer
    /// within <see cref="ClusterRouterOptions.ReportTimeout"/> keeps the models it reported last.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellation = default)
    {
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_options.AttemptTimeout, cancellation);
        var silos = hosts.Keys.ToArray();
        var reports = await Task.WhenAll(silos.Select(silo => ReportOfAsync(silo, cancellation)));
        var last = Volatile.Read(ref _view);
        var modelsOf = new Dictionary<SiloAddress, string[]>();
        for (int i = 0; i < silos.Length; i++)
        {
            if (reports[i] is { } report)
            {
                modelsOf[silos[i]] = [.. report.Select(load => load.Model)];
                foreach (var load in report) Record(WorkerKey.For(load.Model, silos[i]), load);
            }
            else if (last.ModelsOf.TryGetValue(silos[i], out var models))
            {
                modelsOf[silos[i]] = models;
            }
        }
        var workersOf = modelsOf.SelectMany(silo => silo.Value.Select(model => (Model: model, Key: WorkerKey.For(model, silo.Key))))
            .GroupBy(worker => worker.Model, StringComparer.Ordinal)
            .ToDictionary(model => model.Key, model => model.Select(worker => worker.Key).ToArray(), StringComparer.Ordinal);
        foreach (var model in workersOf.Keys) _everServed.TryAdd(model, 0);
        // The loads and suspicions of workers whose silos left go with them.
        var workers = workersOf.Values.SelectMany(keys => keys).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _reports.Keys.Where(key => !workers.Contains(key))) _reports.TryRemove(key, out _);
        foreach (var key in _suspectUntil.Keys.Where(key => !workers.Contains(key))) _suspectUntil.TryRemove(key, out _);
        Volatile.Write(ref _view, new ClusterView(silos, modelsOf, workersOf));
    }

    /// <summary>A silo's models and their loads; null when it does not answer in time (it may be dying, or still starting).</summary>
    private async Task<WorkerLoad[]?> ReportOfAsync(SiloAddress silo, CancellationToken cancellation)
    {
        try
        {
            return await _grains.GetGrain<ISiloModelsGrain>(WorkerKey.ForSilo(silo)).Report().WaitAsync(_options.ReportTimeout, cancellation);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            ClusterLog.ReportUnread(_log, silo.ToString(), e.Message);
            return null;
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stopping)
    {
        // Yield first: the constructor returns at once, and a silo's own grain calls work only once it has started.
        await Task.Yield();
        using var timer = new PeriodicTimer(_options.MembershipRefresh);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ClusterLog.MembershipUnread(_log, e.Message);
                }
            } while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <inheritdoc/>
    public Task<DetectResponse> DetectAsync(DetectRequest request, CancellationToken cancellation)
    {
        var encoded = request.ToByteArray();
        return RouteAsync(request.Model, (worker, token) => worker.Detect(encoded, token), DetectResponse.Parser, cancellation);
    }

    /// <inheritdoc/>
    public Task<FeaturesResponse> FeaturesAsync(FeaturesRequest request, CancellationToken cancellation)
    {
        var encoded = request.ToByteArray();
        return RouteAsync(request.Model, (worker, token) => worker.Features(encoded, token), FeaturesResponse.Parser, cancellation);
    }

    /// <summary>Every model some active silo serves, in name order, each described by one of its workers.</summary>
    public async Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellation)
    {
        var view = await ViewAsync(what: "the cluster's models", cancellation);
        var response = new ListModelsResponse();
        foreach (var model in view.WorkersOf.Keys.Order(StringComparer.Ordinal))
            response.Models.Add(await RouteAsync(model, (worker, token) => worker.Describe(token), ModelInfo.Parser, cancellation));
        return response;
    }

    /// <summary>Reloads the model on every active silo that serves it; the answer is the first silo's, after all have reloaded.</summary>
    public async Task<ModelInfo> ReloadAsync(ReloadModelRequest request, CancellationToken cancellation)
    {
        var workers = await WorkersOfAsync(request.Model, cancellation);
        var reloads = workers.Select(key => AttemptAsync(key, (worker, token) => worker.Reload(token), ModelInfo.Parser, cancellation)).ToList();
        await Task.WhenAll(reloads);
        return reloads[0].Result;
    }

    private async Task<T> RouteAsync<T>(string model, Func<IDetectorWorkerGrain, CancellationToken, Task<WorkerReply>> call, MessageParser<T> parser,
        CancellationToken cancellation) where T : IMessage<T>
    {
        var workers = await WorkersOfAsync(model, cancellation);
        var first = Pick(workers, exclude: null)!;
        try
        {
            return await AttemptAsync(first, call, parser, cancellation);
        }
        catch (Exception error) when (IsWorkerFailure(error, cancellation))
        {
            Suspect(first, error);
            var second = Pick(workers, exclude: first)
                ?? throw new ModelUnavailableException($"model '{model}': worker {first} failed ({error.Message}) and no other worker is left to retry on");
            try
            {
                return await AttemptAsync(second, call, parser, cancellation);
            }
            catch (Exception again) when (IsWorkerFailure(again, cancellation))
            {
                Suspect(second, again);
                throw new ModelUnavailableException($"model '{model}': worker {first} failed ({error.Message}) and the retry on {second} failed too ({again.Message})");
            }
        }
    }

    /// <summary>The workers of <paramref name="model"/> on the active silos that serve it; never empty.</summary>
    /// <exception cref="ModelNotFoundException">No active silo serves it, and none has served it to this router.</exception>
    /// <exception cref="ModelUnavailableException">The silos that served it have left, or the cluster cannot be read.</exception>
    private async Task<string[]> WorkersOfAsync(string model, CancellationToken cancellation)
    {
        var name = D2SharpException.Sanitize(model, keepLineBreaks: false);
        var view = await ViewAsync($"model '{name}'", cancellation);
        if (view.WorkersOf.TryGetValue(model, out var workers)) return workers;
        if (_everServed.ContainsKey(model))
            throw new ModelUnavailableException($"model '{name}': no active silo of the cluster serves it now (the silos that served it have left)");
        if (view.Silos.Length == 0) throw new ModelUnavailableException($"model '{name}': no silo of the cluster is active to serve it");
        if (view.WorkersOf.Count == 0) throw new ModelUnavailableException($"model '{name}': no silo of the cluster has said yet what it serves");
        throw new ModelNotFoundException($"no silo of the cluster serves model '{name}'; its silos serve: {string.Join(", ", view.WorkersOf.Keys.Order(StringComparer.Ordinal))}");
    }

    /// <summary>The cluster as last read; read now when no silo has said what it serves yet (the router has just started).</summary>
    private async Task<ClusterView> ViewAsync(string what, CancellationToken cancellation)
    {
        var view = Volatile.Read(ref _view);
        if (view.WorkersOf.Count > 0) return view;
        try
        {
            await RefreshAsync(cancellation);
        }
        catch (Exception e) when (IsWorkerFailure(e, cancellation))
        {
            throw new ModelUnavailableException($"{what}: the cluster's silos could not be read ({e.Message})");
        }
        return Volatile.Read(ref _view);
    }

    /// <summary>
    /// One call to one worker, bounded by the attempt timeout; counted in the worker's load while it
    /// runs, and the load its answer reports recorded.
    /// </summary>
    private async Task<T> AttemptAsync<T>(string key, Func<IDetectorWorkerGrain, CancellationToken, Task<WorkerReply>> call, MessageParser<T> parser,
        CancellationToken cancellation) where T : IMessage<T>
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        attempt.CancelAfter(_options.AttemptTimeout);
        _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
        WorkerReply? reply = null;
        try
        {
            try
            {
                // WaitAsync as well as the token: a call to a silo that vanished must not wait on Orleans' own timeout.
                reply = await call(_grains.GetGrain<IDetectorWorkerGrain>(key), attempt.Token).WaitAsync(attempt.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {_options.AttemptTimeout.TotalSeconds:0.#} s");
            }
            if (reply.Status == (int)StatusCode.Unavailable) throw new ModelUnavailableException(reply.Error ?? "the worker is unavailable");
            if (reply.Status != (int)StatusCode.OK) throw new RpcException(new Status((StatusCode)reply.Status, reply.Error ?? ""));
            _served.AddOrUpdate(key, 1, (_, n) => n + 1);
            return parser.ParseFrom(reply.Message);
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            // After the decrement: the report no longer counts this request, and neither does the router.
            if (reply?.Load is { } load) Record(key, load);
        }
    }

    /// <summary>Keeps <paramref name="load"/> as <paramref name="key"/>'s, unless a report read later on its silo came first.</summary>
    private void Record(string key, WorkerLoad load)
    {
        var report = new LoadReport(load, _inFlight.GetValueOrDefault(key), Environment.TickCount64);
        _reports.AddOrUpdate(key, report, (_, last) => last.Load.SampledAt > load.SampledAt ? last : report);
    }

    /// <summary>
    /// Of <paramref name="workers"/> but <paramref name="exclude"/>, the one with the least
    /// <see cref="EstimatedLoad"/>, passing over, while another remains, the workers that failed
    /// lately and then those still loading their model; null when none is left. The scan starts one
    /// further each time, so that equal loads (e.g. one request at a time) take turns.
    /// </summary>
    private string? Pick(string[] workers, string? exclude)
    {
        var now = DateTime.UtcNow;
        var keys = workers.Where(key => key != exclude).ToList();
        keys = Prefer(keys, key => !(_suspectUntil.TryGetValue(key, out var until) && until > now));
        keys = Prefer(keys, key => !_reports.TryGetValue(key, out var report) || report.Load.Ready);
        if (keys.Count == 0) return null;
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)keys.Count);
        string best = keys[start];
        int lowest = int.MaxValue;
        for (int i = 0; i < keys.Count; i++)
        {
            var key = keys[(start + i) % keys.Count];
            int load = EstimatedLoad(key);
            if (load < lowest) (best, lowest) = (key, load);
        }
        return best;
    }

    private static List<string> Prefer(List<string> keys, Func<string, bool> better)
    {
        var kept = keys.Where(better).ToList();
        return kept.Count > 0 ? kept : keys;
    }

    /// <summary>
    /// Whether <paramref name="error"/> is the worker's failure rather than the request's: the Orleans
    /// runtime's errors (silo unavailable, message rejected, connection lost), a timeout, or an
    /// unavailable worker (still loading, or stopping). Not when the caller itself cancelled.
    /// </summary>
    private static bool IsWorkerFailure(Exception error, CancellationToken cancellation) =>
        !cancellation.IsCancellationRequested && error is OrleansException or TimeoutException or ModelUnavailableException;

    private void Suspect(string key, Exception error)
    {
        _suspectUntil[key] = DateTime.UtcNow + _options.SuspectFor;
        ClusterLog.WorkerFailed(_log, key, error.Message);
    }

    /// <summary>Stops reading the membership.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _refreshing;
    }

    /// <summary>A worker's last reported load, with this router's requests in flight to it when the report came.</summary>
    private sealed record LoadReport(WorkerLoad Load, int OwnInFlight, long ReceivedAt);

    /// <summary>
    /// The cluster as last read: its active silos, the models each said it serves (none for a silo
    /// that has not answered yet), and each model's workers on those silos.
    /// </summary>
    private sealed record ClusterView(SiloAddress[] Silos, Dictionary<SiloAddress, string[]> ModelsOf, Dictionary<string, string[]> WorkersOf)
    {
        public static readonly ClusterView Empty = new([], [], new Dictionary<string, string[]>(StringComparer.Ordinal));
    }
}
