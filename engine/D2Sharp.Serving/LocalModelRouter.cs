using D2Sharp.Serving.Batching;
using D2Sharp.Serving.V1;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving;

/// <summary>
/// The models of this process, each with its queue and batch loop: requests are decoded here, on
/// the caller's thread, queued on their model, and answered from the batch they ran in.
/// </summary>
public sealed class LocalModelRouter : IModelRouter, IAsyncDisposable
{
    private readonly ServingOptions _options;
    private readonly Dictionary<string, ModelHost> _hosts;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal LocalModelRouter(ServingOptions options, ServingMetrics metrics, ILoggerFactory logging)
    {
        _options = options;
        var log = logging.CreateLogger("D2Sharp.Serving");
        _hosts = options.Models.ToDictionary(m => m.Name, m => new ModelHost(m, options, metrics, log), StringComparer.Ordinal);
        metrics.ObserveModels(() => _hosts.Values);
    }

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Completes when every model has loaded; faults with the first load's error.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The names of the models this process holds.</summary>
    public IReadOnlyCollection<string> ModelNames => _hosts.Keys;

    /// <summary>How loaded <paramref name="model"/> is now: whether it serves, its queue, and the requests in its running batch.</summary>
    /// <exception cref="ModelNotFoundException">This process does not hold <paramref name="model"/>.</exception>
    public ModelLoad Load(string model) => Host(model).Measure();

    internal ModelHost Host(string name) =>
        _hosts.GetValueOrDefault(name) ?? throw new ModelNotFoundException(
            $"no model '{D2SharpException.Sanitize(name, keepLineBreaks: false)}' on this server; it serves: {string.Join(", ", _hosts.Keys)}");

    /// <summary>Loads every model in turn (loads are CPU-bound; one at a time keeps the cores for each).</summary>
    internal void LoadAll()
    {
        try
        {
            foreach (var host in _hosts.Values) host.Load();
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
        }
    }

    public async Task<DetectResponse> DetectAsync(DetectRequest request, CancellationToken cancellation)
    {
        var host = Host(request.Model);
        var model = CurrentOf(host);
        if (model.Metadata == null)
            throw new UnsupportedRequestException($"model '{host.Name}' is served with scope {ScopeName(model)}: it stops before the detections " +
                "(serve it with --scope detections, or call Features)");
        var image = ImageInputs.Decode(request.InputCase == DetectRequest.InputOneofCase.Image ? request.Image : null, request.Raw,
            model.Session.Model.InputFormat, _options.MaxImagePixels);
        return Responses.Detect(host.Name, await host.RunAsync(image, cancellation));
    }

    public async Task<FeaturesResponse> FeaturesAsync(FeaturesRequest request, CancellationToken cancellation)
    {
        var host = Host(request.Model);
        var model = CurrentOf(host);
        if (request.Names.FirstOrDefault(n => !model.FeatureStrides.ContainsKey(n)) is { } unknown)
            throw new InvalidRequestException($"model '{host.Name}' has no feature map '{D2SharpException.Sanitize(unknown, keepLineBreaks: false)}'; " +
                $"it has: {string.Join(", ", model.FeatureStrides.Keys)}");
        var image = ImageInputs.Decode(request.InputCase == FeaturesRequest.InputOneofCase.Image ? request.Image : null, request.Raw,
            model.Session.Model.InputFormat, _options.MaxImagePixels);
        return Responses.Features(host.Name, await host.RunAsync(image, cancellation), request.Names);
    }

    public Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellation)
    {
        var response = new ListModelsResponse();
        response.Models.AddRange(_hosts.Values.Select(Info));
        return Task.FromResult(response);
    }

    public async Task<ModelInfo> ReloadAsync(ReloadModelRequest request, CancellationToken cancellation)
    {
        var host = Host(request.Model);
        await host.ReloadAsync(cancellation);
        return Info(host);
    }

    private static LoadedModel CurrentOf(ModelHost host) =>
        host.Current ?? throw new ModelUnavailableException($"model '{host.Name}' is still loading; /readyz says when every model serves");

    private static string ScopeName(LoadedModel model) => model.Session.Model.Scope.ToString().ToLowerInvariant();

    private static ModelInfo Info(ModelHost host)
    {
        var info = new ModelInfo { Name = host.Name };
        if (host.Current is not { } model) return info;
        var spec = model.Session.Model;
        info.Ready = true;
        info.Generation = model.Generation;
        info.Architecture = spec.Config.GetString("MODEL.META_ARCHITECTURE");
        info.Scope = ScopeName(model);
        info.Device = model.Session.Device;
        info.InputFormat = spec.InputFormat;
        info.Features.AddRange(model.FeatureStrides.Keys);
        if (model.Metadata is { } metadata) info.ClassNames.AddRange(metadata.ClassNames);
        return info;
    }

    /// <summary>Stops every model's loop and frees the models; requests still queued get UNAVAILABLE. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        // The container disposes this once per service it is registered as (it is also the IModelRouter).
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var host in _hosts.Values) await host.DisposeAsync();
    }
}
