using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using D2Sharp.Backends;
using D2Sharp.Cluster;
using D2Sharp.Config;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace D2Sharp.Cli.Commands;

/// <summary>
/// <c>d2sharp serve</c>: the models behind a gRPC and HTTP/JSON API with dynamic batching, until
/// Ctrl-C or SIGTERM (the requests in progress are answered first).
/// </summary>
internal sealed class ServeCommand : Command
{
    private readonly Option<string> _config = CliOptions.Text("--config", "F", "one model, named after the file (faster_rcnn for faster_rcnn.yaml)");
    private readonly Option<string> _weights = CliOptions.Text("--weights", "W",
        "its checkpoint (.pkl or .pth); without it MODEL.WEIGHTS when set, as d2sharp run, else weights initialised deterministically");
    private readonly Option<string[]> _models = new("--model")
    {
        HelpName = "NAME=CONFIG[,weights=W]",
        Description = "a model called NAME in requests; repeat for several models",
    };
    private readonly Option<string[]> _opts = ConfigOverrides.Option("config overrides for every model, as Detectron2's merge_from_list (e.g. MODEL.ROI_HEADS.SCORE_THRESH_TEST 0.5)");
    private readonly Option<string> _device = CliOptions.Device("cpu, reference, cuda[:N] or auto; default: each config's MODEL.DEVICE, Detectron2's \"cuda\" read as auto");
    private readonly Option<string> _precision = CliOptions.Precision();
    private readonly Option<int?> _threads = CliOptions.Threads("worker threads per model (default: one per processor)");
    private readonly Option<ModelScope?> _scope = CliOptions.Scope("detections (default): instances (Detect) and features; backbone or rpn: features only");
    private readonly Option<IPAddress> _host = CliOptions.Value("--host", "ADDRESS",
        "the IP address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)", ParseAddress);
    private readonly Option<int> _port = CliOptions.Value("--port", "P", "gRPC port (default 5000); 0 picks a free port, printed when ready", ParsePort);
    private readonly Option<int?> _httpPort = CliOptions.Value<int?>("--http-port", "P",
        "HTTP/1.1 port (default: --port + 1, or a free one with --port 0)", (text, option) => ParsePort(text, option));
    private readonly Option<int> _maxBatch = CliOptions.Positive("--max-batch", "N",
        "the most requests run together as one batch (1: no batching); only images that run at the same padded size share a batch", 1);
    private readonly Option<int> _maxDelay = CliOptions.Value("--max-delay-ms", "MS", "how long a batch waits for more requests after its first (default 5)", OptionValues.Count);
    private readonly Option<int> _queueCapacity = CliOptions.Positive("--queue-capacity", "N",
        "requests waiting per model before new ones get RESOURCE_EXHAUSTED (HTTP 429)", 64);
    private readonly Option<string> _cluster = CliOptions.Text("--cluster", "localhost[:PORT]|redis://HOST:PORT",
        "also be a silo of an Orleans cluster whose every silo serves the same models; each request goes to the least-loaded silo's " +
        "worker, and is retried once on another when that silo dies. localhost: silos on this host (the first, on silo port 11111, " +
        "is the primary the others join; localhost:PORT names another primary port); redis://HOST:PORT: membership in that Redis " +
        "server, silos on any hosts");
    private readonly Option<int?> _siloPort = CliOptions.Value<int?>("--silo-port", "P",
        "the port silos talk on (default 11111 with localhost, else 0); 0 picks a free one", (text, option) => ParsePort(text, option));
    private readonly Option<int?> _gatewayPort = CliOptions.Value<int?>("--gateway-port", "P",
        "the port Orleans clients connect to (default 30000 with localhost, else 0)", (text, option) => ParsePort(text, option));

    public ServeCommand()
        : base("serve", "Loads the models once and serves them: gRPC (the d2sharp.v1.Detector service of " +
            "protos/d2sharp/v1/detector.proto, and grpc.health.v1) on --port, and over HTTP/1.1 on --http-port the same API as JSON " +
            "(POST /v1/models/NAME:detect with {\"image\": \"<base64 PNG or JPEG>\"}), /healthz (alive), /readyz (every model loaded) " +
            "and /metrics (Prometheus). Give --config F (one model) or --model NAME=CONFIG (one or more). Prints one line with both " +
            "addresses when every model serves; Ctrl-C or SIGTERM stops it after the requests in progress are answered.")
    {
        _models.Arity = ArgumentArity.OneOrMore;
        _host.DefaultValueFactory = _ => IPAddress.Loopback;
        _port.DefaultValueFactory = _ => 5000;
        _maxDelay.DefaultValueFactory = _ => 5;
        Options.AddAll(_config, _weights, _models, _opts, _device, _precision, _threads, _scope, _host, _port, _httpPort, _maxBatch,
            _maxDelay, _queueCapacity, _cluster, _siloPort, _gatewayPort);
        this.SetOutputAction(Execute);
    }

    private int Execute(ParseResult result, TextWriter output)
    {
        var listen = result.GetValue(_host)!;
        int port = result.GetValue(_port);
        int? httpPort = result.GetValue(_httpPort);
        if (port != 0 && httpPort == port) throw new UsageException($"--port and --http-port are both {port}");
        var options = new ServingOptions
        {
            // Last: reading the configs is the first thing that can fail for a reason other than usage.
            Models = Models(result),
            ListenAddress = listen,
            Port = port,
            HttpPort = httpPort,
            MaxBatch = result.GetValue(_maxBatch),
            MaxDelay = TimeSpan.FromMilliseconds(result.GetValue(_maxDelay)),
            QueueCapacity = result.GetValue(_queueCapacity),
        };
        return Serve(options, Cluster(result, listen), output).GetAwaiter().GetResult();
    }

    /// <summary>The silo this process also is, with <c>--cluster</c>; null without.</summary>
    private (ClusterMembership Membership, SiloEndpoints Endpoints)? Cluster(ParseResult result, IPAddress listen)
    {
        if (result.GetValue(_cluster) is not { } text)
        {
            if (result.GetValue(_siloPort) != null || result.GetValue(_gatewayPort) != null) throw new UsageException("--silo-port and --gateway-port go with --cluster");
            return null;
        }
        ClusterMembership membership;
        try
        {
            membership = ClusterMembership.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--cluster {e.Message}");
        }
        // Development clustering: the first silo takes Orleans' default ports and is the primary the others find.
        bool local = membership.Redis == null;
        int siloPort = result.GetValue(_siloPort) ?? (local ? ClusterMembership.DefaultPrimaryPort : 0);
        int gatewayPort = result.GetValue(_gatewayPort) ?? (local ? 30000 : 0);
        if (siloPort != 0 && siloPort == gatewayPort) throw new UsageException($"--silo-port and --gateway-port are both {siloPort}");
        return (membership, new SiloEndpoints(local ? IPAddress.Loopback : listen, siloPort, gatewayPort));
    }

    private static async Task<int> Serve(ServingOptions options, (ClusterMembership Membership, SiloEndpoints Endpoints)? cluster, TextWriter output)
    {
        using var stop = new CancellationTokenSource();
        // Ctrl-C and SIGTERM (what container runtimes send) both stop gracefully instead of killing the process.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        Action<IHostApplicationBuilder>? silo = cluster is (var membership, var endpoints)
            ? builder => ClusterHosting.AddClusterSilo(builder, membership, endpoints)
            : null;
        await using var server = await ServingHost.StartAsync(options, Logging, extend: silo);
        await Task.WhenAny(server.Ready, Task.Delay(Timeout.Infinite, stop.Token));
        if (server.Ready.IsFaulted) await server.Ready; // the load's typed error: exit 1 with its message
        if (server.Ready.IsCompletedSuccessfully)
        {
            var listed = await server.Models.ListModelsAsync(CancellationToken.None);
            var models = string.Join(", ", listed.Models.Select(m => $"{m.Name} ({m.Device})"));
            string member = cluster is (var m, _)
                ? $"; silo {server.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint} of cluster {m}" : "";
            output.WriteLine($"d2sharp serve: ready: gRPC {server.GrpcAddress}, HTTP/JSON {server.HttpAddress}; models: {models}; " +
                $"max batch {options.MaxBatch}{member}; Ctrl-C stops");
            output.Flush();
        }
        await server.WaitForShutdownAsync(stop.Token);
        output.WriteLine("d2sharp serve: stopped");
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>The server's log on stderr: D2Sharp's from Information (loads, reloads), ASP.NET Core's and gRPC's warnings and errors.</summary>
    private static void Logging(ILoggingBuilder logging) => logging
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Grpc", LogLevel.Warning)
        .AddFilter("Orleans", LogLevel.Warning)
        .AddFilter("Polly", LogLevel.Warning) // Orleans' placement retries log every attempt at Information
        .AddSimpleConsole(console => console.SingleLine = true)
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

    private List<ModelSource> Models(ParseResult result)
    {
        var specs = result.GetValue(_models) ?? [];
        string? single = result.GetValue(_config);
        string? weights = result.GetValue(_weights);
        var overrides = ConfigOverrides.Of(result);
        if (single != null && specs.Length > 0) throw new UsageException("give either --config (one model) or --model NAME=CONFIG (one or more), not both");
        if (single == null && specs.Length == 0) throw new UsageException("missing --config F or --model NAME=CONFIG");
        if (single == null && weights != null) throw new UsageException("--weights goes with --config; with --model write NAME=CONFIG,weights=W");
        var parsed = single != null
            ? [(Path.GetFileNameWithoutExtension(single), single, weights)]
            : specs.Select(ParseModel).ToList();
        var session = ModelSource.DefaultSession with
        {
            Threads = result.GetValue(_threads) ?? 0,
            Precision = BackendFactory.ParsePrecision(result.GetValue(_precision)),
            Scope = result.GetValue(_scope) ?? ModelSource.DefaultSession.Scope,
        };
        return parsed.Select(m =>
        {
            // Read here so that a bad config or a missing checkpoint fails before the server starts, naming the file.
            var cfg = ConfigLoader.Load(m.Config, overrides);
            return new ModelSource(m.Name, m.Config, ConfigRunSettings.Weights(cfg, m.Weights), overrides,
                session with { Device = ConfigRunSettings.Device(cfg, result.GetValue(_device)) });
        }).ToList();
    }

    /// <summary><c>NAME=CONFIG[,weights=W]</c>.</summary>
    private static (string Name, string Config, string? Weights) ParseModel(string spec)
    {
        int equals = spec.IndexOf('=');
        if (equals <= 0) throw new UsageException($"--model takes NAME=CONFIG[,weights=W], got '{spec}'");
        var parts = spec[(equals + 1)..].Split(',');
        string? weights = null;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("weights=", StringComparison.Ordinal)) throw new UsageException($"--model {spec}: unknown part '{part}'; the form is NAME=CONFIG[,weights=W]");
            weights = part["weights=".Length..];
        }
        if (parts[0].Length == 0) throw new UsageException($"--model {spec}: no config file");
        return (spec[..equals], parts[0], weights);
    }

    private static int ParsePort(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= IPEndPoint.MaxPort
            ? port : throw new UsageException($"{option} takes a port from 0 to {IPEndPoint.MaxPort}, got '{text}'");

    private static IPAddress ParseAddress(string text, string option) =>
        IPAddress.TryParse(text, out var address) ? address : throw new UsageException($"{option} takes an IP address (127.0.0.1, 0.0.0.0, ::), got '{text}'");
}
