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
/// on the silo with the fewest requests in flight from this router (ties taken in turn), and, when
/// that worker fails as a worker (its silo died or left, the message was rejected, no answer within
/// <see cref="ClusterRouterOptions.AttemptTimeout"/>, or it is unavailable), once more to another
/// worker; a second failure is a <see cref="ModelUnavailableException"/> naming both. The request's
/// own errors (a bad image, a full queue) come back as they are, without a retry.
/// </summary>
public sealed class ClusterModelRouter : IModelRouter, IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly ClusterRouterOptions _options;
    private readonly LocalModelRouter? _local;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _suspectUntil = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshing;
    private SiloAddress[] _silos = [];
    private int _turn;

    /// <param name="grains">Where the workers are: a silo's grain factory or a cluster client.</param>
    /// <param name="options">The models and the timeouts.</param>
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

    /// <summary>This process's models (when it holds any) have loaded, and the cluster has a silo.</summary>
    public bool IsReady => (_local?.IsReady ?? true) && Volatile.Read(ref _silos).Length > 0;

    /// <summary>The active silos as last read from the cluster's membership.</summary>
    public IReadOnlyList<SiloAddress> Silos => Volatile.Read(ref _silos);

    /// <summary>Requests each worker (by <see cref="WorkerKey"/>) has answered through this router.</summary>
    public IReadOnlyDictionary<string, long> Served => new Dictionary<string, long>(_served);

    /// <summary>Requests in flight from this router to <paramref name="worker"/> (a <see cref="WorkerKey"/>): its load as routed.</summary>
    public int InFlight(string worker) => _inFlight.GetValueOrDefault(worker);

    /// <summary>Reads the active silos now (the router also does so every <see cref="ClusterRouterOptions.MembershipRefresh"/>).</summary>
    public async Task RefreshAsync(CancellationToken cancellation = default)
    {
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_options.AttemptTimeout, cancellation);
        Volatile.Write(ref _silos, hosts.Keys.ToArray());
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

    /// <inheritdoc/>
    public async Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellation)
    {
        var response = new ListModelsResponse();
        foreach (var model in _options.Models)
            response.Models.Add(await RouteAsync(model, (worker, token) => worker.Describe(token), ModelInfo.Parser, cancellation));
        return response;
    }

    /// <summary>Reloads the model on every active silo; the answer is the first silo's, after all have reloaded.</summary>
    public async Task<ModelInfo> ReloadAsync(ReloadModelRequest request, CancellationToken cancellation)
    {
        CheckModel(request.Model);
        var workers = Silos.Select(silo => WorkerKey.For(request.Model, silo)).ToList();
        if (workers.Count == 0) throw NoWorker(request.Model);
        var reloads = workers.Select(key => AttemptAsync(key, (worker, token) => worker.Reload(token), ModelInfo.Parser, cancellation)).ToList();
        await Task.WhenAll(reloads);
        return reloads[0].Result;
    }

    private async Task<T> RouteAsync<T>(string model, Func<IDetectorWorkerGrain, CancellationToken, Task<WorkerReply>> call, MessageParser<T> parser,
        CancellationToken cancellation) where T : IMessage<T>
    {
        CheckModel(model);
        if (Silos.Count == 0) await RefreshAsync(cancellation);
        var first = Pick(model, exclude: null) ?? throw NoWorker(model);
        try
        {
            return await AttemptAsync(first, call, parser, cancellation);
        }
        catch (Exception error) when (IsWorkerFailure(error, cancellation))
        {
            Suspect(first, error);
            var second = Pick(model, exclude: first)
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

    /// <summary>One call to one worker, bounded by the attempt timeout; counted in the worker's load while it runs.</summary>
    private async Task<T> AttemptAsync<T>(string key, Func<IDetectorWorkerGrain, CancellationToken, Task<WorkerReply>> call, MessageParser<T> parser,
        CancellationToken cancellation) where T : IMessage<T>
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        attempt.CancelAfter(_options.AttemptTimeout);
        _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
        try
        {
            WorkerReply reply;
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
        }
    }

    /// <summary>
    /// The model's worker with the fewest requests in flight, leaving out <paramref name="exclude"/>
    /// and, while another remains, the workers that failed lately; null when none is left. The scan
    /// starts one further each time, so that equal loads (e.g. one request at a time) take turns.
    /// </summary>
    private string? Pick(string model, string? exclude)
    {
        var now = DateTime.UtcNow;
        var keys = Silos.Select(silo => WorkerKey.For(model, silo)).Where(key => key != exclude).ToList();
        var healthy = keys.Where(key => !(_suspectUntil.TryGetValue(key, out var until) && until > now)).ToList();
        if (healthy.Count > 0) keys = healthy;
        if (keys.Count == 0) return null;
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)keys.Count);
        string best = keys[start];
        int lowest = int.MaxValue;
        for (int i = 0; i < keys.Count; i++)
        {
            var key = keys[(start + i) % keys.Count];
            int load = _inFlight.GetValueOrDefault(key);
            if (load < lowest) (best, lowest) = (key, load);
        }
        return best;
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

    private void CheckModel(string model)
    {
        if (!_options.Models.Contains(model, StringComparer.Ordinal))
            throw new ModelNotFoundException(
                $"no model '{D2SharpException.Sanitize(model, keepLineBreaks: false)}' in this cluster; it serves: {string.Join(", ", _options.Models)}");
    }

    private static ModelUnavailableException NoWorker(string model) =>
        new($"model '{model}': no silo of the cluster is active to serve it");

    /// <summary>Stops reading the membership.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _refreshing;
    }
}
