using D2Sharp.Serving.Grpc;
using D2Sharp.Serving.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace D2Sharp.Serving;

/// <summary>
/// A running server: Kestrel with gRPC (cleartext HTTP/2) on one port, serving the
/// <c>d2sharp.v1</c> services and <c>grpc.health.v1</c>, and HTTP/1.1 on another for the JSON API,
/// <c>/healthz</c>, <c>/readyz</c> and Prometheus <c>/metrics</c>. It listens as soon as it starts;
/// the models load in the background and <see cref="Ready"/> completes when all serve. It handles
/// no process signal: its owner (the <c>d2sharp serve</c> command) stops it.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServingHost(WebApplication app, Uri grpc, Uri http)
    {
        _app = app;
        GrpcAddress = grpc;
        HttpAddress = http;
        Models = app.Services.GetRequiredService<LocalModelRouter>();
    }

    /// <summary>Where gRPC clients connect, e.g. <c>http://127.0.0.1:5000/</c> (the real port when 0 was asked for).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>Where the JSON API, health and metrics answer over HTTP/1.1, e.g. <c>http://127.0.0.1:5001/</c>.</summary>
    public Uri HttpAddress { get; }

    /// <summary>Completes when every model has loaded; faults with the error when one cannot be (the server then stops).</summary>
    public Task Ready => Models.Ready;

    /// <summary>The models this server holds, answering the API's calls.</summary>
    public LocalModelRouter Models { get; }

    /// <summary>Starts listening and begins loading the models.</summary>
    /// <param name="options">The models and the batching; checked first.</param>
    /// <param name="logging">Where the server and the sessions log; none when null.</param>
    /// <param name="cancellation">Cancels the start.</param>
    /// <param name="extend">
    /// Adds to the server's host after its own services, e.g. an Orleans silo and a cluster's
    /// <see cref="IModelRouter"/>, which then replaces <see cref="LocalModelRouter"/> as the one the API calls.
    /// </param>
    public static async Task<ServingHost> StartAsync(ServingOptions options, Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellation = default, Action<IHostApplicationBuilder>? extend = null)
    {
        options.Validate();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        ListenOptions grpc = null!, http = null!;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // gRPC clients speak HTTP/2 with prior knowledge; curl, probes and scrapers HTTP/1.1.
            kestrel.Listen(options.ListenAddress, options.Port, listen => (grpc = listen).Protocols = HttpProtocols.Http2);
            kestrel.Listen(options.ListenAddress, options.ResolvedHttpPort, listen => (http = listen).Protocols = HttpProtocols.Http1);
            // A JSON body carries the image in base64: a third larger than the gRPC message.
            kestrel.Limits.MaxRequestBodySize = 2L * options.MaxMessageBytes;
        });
        logging?.Invoke(builder.Logging);
        AddServices(builder.Services, options);
        extend?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<DetectorService>();
        app.MapGrpcService<ModelAdminService>();
        app.MapGrpcHealthChecksService();
        // Liveness runs no check: the process answering is the answer.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ModelsReadyCheck.Tag) });
        app.MapPrometheusScrapingEndpoint("/metrics");

        await app.StartAsync(cancellation);
        // Kestrel writes the bound port back into each listener (the port given when it was not 0).
        return new ServingHost(app, Address(grpc), Address(http));
    }

    private static Uri Address(ListenOptions listener) => new UriBuilder("http", listener.IPEndPoint!.Address.ToString(), listener.IPEndPoint.Port).Uri;

    private static void AddServices(IServiceCollection services, ServingOptions options)
    {
        services.AddRouting();
        AddLocalModels(services, options);
        services.AddSingleton<CallObserver>();
        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = options.MaxMessageBytes).AddJsonTranscoding();
        services.AddGrpcHealthChecks().AddCheck<ModelsReadyCheck>("models", tags: [ModelsReadyCheck.Tag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServingMetrics.MeterName, "System.Runtime", "Microsoft.AspNetCore.Hosting")
            // Scrapes see every request answered before them (the exporter caches for 300 ms by default).
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>
    /// Registers <paramref name="options"/>' models in a host without the API: a <see cref="LocalModelRouter"/>
    /// (also as the <see cref="IModelRouter"/>), its metrics, and the hosted service that loads the
    /// models once the host has started. A cluster's silos hold their models this way.
    /// </summary>
    public static void AddLocalModels(IServiceCollection services, ServingOptions options)
    {
        options.Validate();
        services.AddMetrics();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton(provider => new LocalModelRouter(options, provider.GetRequiredService<ServingMetrics>(), provider.GetRequiredService<ILoggerFactory>()));
        // The seam: the services ask an IModelRouter; a cluster registers its own after this one.
        services.AddSingleton<IModelRouter>(provider => provider.GetRequiredService<LocalModelRouter>());
        services.AddHostedService<ModelLoader>();
    }

    /// <summary>The server's services (an extension's, such as a silo's, among them).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Waits until the server is asked to stop (<paramref name="cancellation"/>, or a model failing to load), then stops it.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation) => _app.WaitForShutdownAsync(cancellation);

    /// <summary>Stops taking connections, lets the requests in progress finish, then frees the models.</summary>
    public Task StopAsync(CancellationToken cancellation = default) => _app.StopAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
