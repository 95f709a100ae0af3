using System.Text.RegularExpressions;
using D2Sharp.Serving.Batching;
using D2Sharp.Serving.V1;
using Grpc.Net.Client;

namespace D2Sharp.Serving.Tests;

/// <summary>A <see cref="ServingHost"/> on a free loopback port with its models loaded, and clients for it.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(ServingHost host)
    {
        Host = host;
        Channel = GrpcChannel.ForAddress(host.GrpcAddress);
        Detector = new Detector.DetectorClient(Channel);
        Admin = new ModelAdmin.ModelAdminClient(Channel);
        Http = new HttpClient { BaseAddress = host.HttpAddress };
    }

    public ServingHost Host { get; }
    public GrpcChannel Channel { get; }
    public Detector.DetectorClient Detector { get; }
    public ModelAdmin.ModelAdminClient Admin { get; }
    public HttpClient Http { get; }

    public static async Task<RunningServer> StartAsync(ServingOptions options)
    {
        var host = await ServingHost.StartAsync(options with { Port = 0, HttpPort = 0 });
        try
        {
            await host.Ready;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return new RunningServer(host);
    }

    public static Task<RunningServer> StartAsync(params ModelSource[] models) => StartAsync(new ServingOptions { Models = models });

    public ModelHost Model(string name) => Host.Models.Host(name);

    /// <summary>
    /// Holds <paramref name="model"/>'s batch loop before it cuts its next batch (with the load it
    /// will run on taken) until the returned gate is opened; <c>Entered</c> completes when the loop waits there.
    /// </summary>
    public Gate HoldBatches(string model)
    {
        var gate = new Gate();
        Model(model).BeforeBatch = async stopping =>
        {
            gate.Entered.TrySetResult();
            // A test that fails before opening the gate still stops its server.
            await gate.Opened.Task.WaitAsync(stopping);
        };
        return gate;
    }

    /// <summary>Waits, a bounded while, until <paramref name="condition"/> holds (the server answers asynchronously).</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        for (int i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), $"waited 10 s for {what}");
    }

    /// <summary>The sum of a Prometheus metric's samples whose labels include <paramref name="labels"/> (e.g. <c>model="m"</c>).</summary>
    public async Task<double> MetricAsync(string name, params string[] labels)
    {
        string text = await Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(Regex.Match(line, @"\s(\S+)(\s\d+)?$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Host.DisposeAsync();
    }

    internal sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Open() => Opened.TrySetResult();
    }
}
