using System.Net;
using Grpc.Health.V1;

namespace D2Sharp.Serving.Tests;

/// <summary>Liveness, readiness (HTTP and grpc.health.v1) and the Prometheus endpoint.</summary>
[TestFixture]
public class HealthTests
{
    [Test]
    public async Task ALoadedServerIsLiveAndReadyOverHttpAndGrpc()
    {
        await using var server = await RunningServer.StartAsync(Fixtures.Model("healthy"));

        using var live = await server.Http.GetAsync("/healthz");
        using var ready = await server.Http.GetAsync("/readyz");
        var grpc = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());

        Assert.That((live.StatusCode, await live.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.OK, "Healthy")));
        Assert.That((ready.StatusCode, await ready.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.OK, "Healthy")));
        Assert.That(grpc.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public async Task MetricsCountRequestsByModelAndStatusAndShowTheQueueAndTheArena()
    {
        const string model = "metered";
        await using var server = await RunningServer.StartAsync(Fixtures.Model(model));

        await server.Detector.DetectAsync(Fixtures.Detect(model, Fixtures.Png()));
        string metrics = await server.Http.GetStringAsync("/metrics");

        Assert.That(metrics, Does.Contain($"d2sharp_serving_requests_total{{otel_scope_name=\"D2Sharp.Serving\",call=\"Detect\",model=\"{model}\",status=\"OK\"}} 1"));
        Assert.That(await server.MetricAsync("d2sharp_serving_request_duration_seconds_count", $"model=\"{model}\""), Is.EqualTo(1));
        Assert.That(await server.MetricAsync("d2sharp_serving_queue_depth", $"model=\"{model}\""), Is.Zero);
        Assert.That(await server.MetricAsync("d2sharp_serving_arena_bytes", $"model=\"{model}\""), Is.EqualTo(server.Model(model).Current!.Session.ArenaBytes).And.Positive);
        Assert.That(metrics, Does.Contain("dotnet_process_memory_working_set_bytes"), "process memory, from .NET's runtime meter");
    }

    [Test]
    public void AModelThatCannotLoadFaultsReadyWithTheLibrarysError()
    {
        var missing = Fixtures.Model("broken") with { WeightsPath = Path.Combine(Path.GetTempPath(), "d2sharp-no-such-checkpoint.pkl") };

        var error = Assert.ThrowsAsync<Weights.CheckpointException>(() => RunningServer.StartAsync(missing));

        Assert.That(error.Message, Does.Contain("d2sharp-no-such-checkpoint.pkl"));
    }
}
