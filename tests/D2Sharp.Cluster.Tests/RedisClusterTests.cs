using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using D2Sharp.Serving.V1;
using D2Sharp.Tests;
using Grpc.Core;
using Grpc.Net.Client;

namespace D2Sharp.Cluster.Tests;

/// <summary>
/// Real membership: a <c>redis-server</c> of the test's own on a free loopback port, and two
/// <c>d2sharp serve --cluster redis://…</c> processes; one is killed (SIGKILL) under load.
/// </summary>
[TestFixture]
public class RedisClusterTests
{
    private readonly List<Process> _processes = [];

    [TearDown]
    public void KillWhatIsLeft()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        _processes.Clear();
    }

    [Test]
    public async Task TwoServeProcessesShareTheLoadAndOneKilledLeavesEveryRequestAnsweredOrFailed()
    {
        string redis = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? IgnoreWithout("redis-server is not installed (apt-get install redis-server; .ci/run installs it)");
        int redisPort = FreePort();
        Start(redis, "--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        await WaitForPort(redisPort);

        string cluster = $"redis://127.0.0.1:{redisPort}";
        var (front, _) = await Serve(cluster);
        var (_, workerHttp) = await Serve(cluster);
        using var channel = GrpcChannel.ForAddress(front);
        var detector = new Detector.DetectorClient(channel);
        using var http = new HttpClient { BaseAddress = workerHttp };
        var victim = _processes[^1];

        // Until the front-end has seen the second silo join: one request at a time, taking turns, reaches it.
        for (int i = 0; i < 120 && await BatchesRun(http) == 0; i++)
            await detector.DetectAsync(ModelCluster.Request(), deadline: DateTime.UtcNow.AddMinutes(1));
        Assert.That(await BatchesRun(http), Is.Positive, "the second silo runs the first one's requests");

        var outcomes = new ConcurrentQueue<RpcException?>();
        async Task Client()
        {
            for (int i = 0; i < 10; i++)
            {
                try
                {
                    var answer = await detector.DetectAsync(ModelCluster.Request(), deadline: DateTime.UtcNow.AddMinutes(2));
                    Assert.That(answer.Instances, Has.Count.EqualTo(58));
                    outcomes.Enqueue(null);
                }
                catch (RpcException e)
                {
                    outcomes.Enqueue(e);
                }
            }
        }
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Client)));
        // Mid-load: with four clients over two silos, the second holds requests when it dies.
        await ModelCluster.Until(() => outcomes.Count >= 4, "the first answers", seconds: 120);
        victim.Kill();

        await load.WaitAsync(TimeSpan.FromMinutes(4));
        Assert.That(outcomes, Has.Count.EqualTo(40));
        Assert.That(outcomes.Where(e => e != null).Select(e => (e!.StatusCode, e.Status.Detail)),
            Has.All.Matches<(StatusCode Code, string Detail)>(failure => failure.Code == StatusCode.Unavailable && failure.Detail.Length > 0),
            "a failure is UNAVAILABLE with the reason");
        var after = await detector.DetectAsync(ModelCluster.Request(), deadline: DateTime.UtcNow.AddMinutes(2));
        Assert.That(after.Instances, Has.Count.EqualTo(58), "the surviving silo serves");
    }

    private static string IgnoreWithout(string reason)
    {
        Assert.Ignore(reason);
        return "";
    }

    /// <summary>Batches a serve process has run, from its Prometheus metrics; 0 while it does not answer.</summary>
    private static async Task<double> BatchesRun(HttpClient http)
    {
        try
        {
            var text = await http.GetStringAsync("/metrics");
            var match = Regex.Match(text, @"^d2sharp_serving_batch_size_count\{[^}]*\} (\S+)", RegexOptions.Multiline);
            return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>Starts <c>d2sharp serve</c> in the cluster on free ports; returns its gRPC and HTTP addresses once it is ready.</summary>
    private async Task<(Uri Grpc, Uri Http)> Serve(string cluster)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string cli = Path.Combine(TestPaths.RepoRoot, "engine", "D2Sharp.Cli", "bin", here.Parent!.Name, here.Name, "D2Sharp.Cli.dll");
        const string fixture = "det_faster_rcnn_r50_fpn";
        var process = Start("dotnet", cli, "serve", "--model",
            $"{ModelCluster.Model}={TestPaths.Fixture(fixture, "config_resolved.yaml")},weights={TestPaths.Fixture(fixture, "model.pkl")}",
            "--port", "0", "--cluster", cluster);
        string ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) ?? "";
        var addresses = Regex.Match(ready, @"^d2sharp serve: ready: gRPC (\S+/), HTTP/JSON (\S+/);.* of cluster redis://");
        Assert.That(addresses.Success, $"ready line: '{ready}'");
        return (new Uri(addresses.Groups[1].Value), new Uri(addresses.Groups[2].Value));
    }

    private Process Start(string file, params string[] arguments)
    {
        // stderr is not read: the servers log there, and an unread pipe must not fill, so it is not redirected.
        var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
        _processes.Add(process);
        return process;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task WaitForPort(int port)
    {
        for (int i = 0; i < 200; i++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        Assert.Fail($"redis-server did not listen on {port} within 10 s");
    }
}
