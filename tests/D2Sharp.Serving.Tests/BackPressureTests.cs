using System.Net;
using System.Net.Http.Json;
using Grpc.Core;

namespace D2Sharp.Serving.Tests;

/// <summary>A full queue refuses; a caller that gives up is dropped from the queue; the server goes on.</summary>
[TestFixture]
public class BackPressureTests
{
    [Test]
    public async Task AFullQueueAnswersResourceExhaustedOverGrpcAnd429OverHttp()
    {
        const string model = "bounded";
        await using var server = await RunningServer.StartAsync(new ServingOptions { Models = [Fixtures.Model(model)], QueueCapacity = 2 });
        var gate = server.HoldBatches(model);
        var request = Fixtures.Detect(model, Fixtures.Png());

        var queued = Enumerable.Range(0, 2).Select(_ => server.Detector.DetectAsync(request).ResponseAsync).ToList();
        await RunningServer.Until(() => server.Model(model).QueueDepth == 2, "a full queue");
        var refused = Assert.ThrowsAsync<RpcException>(() => server.Detector.DetectAsync(request).ResponseAsync);
        using var http = await server.Http.PostAsJsonAsync($"/v1/models/{model}:detect", new { image = Convert.ToBase64String(Fixtures.Png()) });

        Assert.That(refused.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(refused.Status.Detail, Does.Contain("model 'bounded' has 2 requests waiting").And.Contain("retry later"));
        Assert.That(http.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        gate.Open();
        Assert.That((await Task.WhenAll(queued)).Select(a => a.Instances.Count), Is.EqualTo(new[] { 58, 58 }), "the queued requests are answered");
        Assert.That(await server.MetricAsync("d2sharp_serving_requests_total", $"model=\"{model}\"", "status=\"RESOURCE_EXHAUSTED\""), Is.EqualTo(2));
    }

    [Test]
    public async Task ACancelledRequestIsDroppedBeforeItRunsAndTheServerGoesOn()
    {
        const string model = "cancelled";
        await using var server = await RunningServer.StartAsync(Fixtures.Model(model));
        var gate = server.HoldBatches(model);
        var request = Fixtures.Detect(model, Fixtures.Png());
        using var cancel = new CancellationTokenSource();

        var kept = server.Detector.DetectAsync(request).ResponseAsync;
        var dropped = server.Detector.DetectAsync(request, cancellationToken: cancel.Token).ResponseAsync;
        await RunningServer.Until(() => server.Model(model).QueueDepth == 2, "two queued requests");
        await cancel.CancelAsync();

        Assert.That(Assert.ThrowsAsync<RpcException>(() => dropped).StatusCode, Is.EqualTo(StatusCode.Cancelled));
        await RunningServer.Until(() => server.Model(model).QueueDepth == 1, "the cancelled request to leave the queue");
        gate.Open();
        Assert.That((await kept).Instances, Has.Count.EqualTo(58));
        Assert.That((await server.Detector.DetectAsync(request)).Instances, Has.Count.EqualTo(58), "the server goes on serving");
        Assert.That(await server.MetricAsync("d2sharp_serving_batch_size_sum", $"model=\"{model}\""), Is.EqualTo(2), "the cancelled request never ran");
        await WaitForCount(server, model, "CANCELLED");
    }

    [Test]
    public async Task ARequestPastItsDeadlineIsDroppedWithDeadlineExceeded()
    {
        const string model = "deadline";
        await using var server = await RunningServer.StartAsync(Fixtures.Model(model));
        var gate = server.HoldBatches(model);
        var request = Fixtures.Detect(model, Fixtures.Png());

        // The batch loop is held, so the deadline passes while the request waits in the queue.
        var late = Assert.ThrowsAsync<RpcException>(() => server.Detector.DetectAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.That(late.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        await RunningServer.Until(() => server.Model(model).QueueDepth == 0, "the late request to leave the queue");
        // The client gives up at its deadline, which may reach the server just before the server's own
        // (the server counts it from the request's arrival): the server then saw a cancellation.
        await WaitForCount(server, model, "DEADLINE_EXCEEDED", "CANCELLED");
        gate.Open();
        Assert.That((await server.Detector.DetectAsync(request)).Instances, Has.Count.EqualTo(58));
        Assert.That(await server.MetricAsync("d2sharp_serving_batch_size_sum", $"model=\"{model}\""), Is.EqualTo(1), "the late request never ran");
    }

    /// <summary>
    /// Waits until the server has counted one request for <paramref name="model"/> with one of
    /// <paramref name="statuses"/>: it counts when its handler ends, which may be after the client saw the status.
    /// </summary>
    private static async Task WaitForCount(RunningServer server, string model, params string[] statuses)
    {
        double count = 0;
        for (int i = 0; i < 1000 && count == 0; i++)
        {
            foreach (var status in statuses) count += await server.MetricAsync("d2sharp_serving_requests_total", $"model=\"{model}\"", $"status=\"{status}\"");
            if (count == 0) await Task.Delay(10);
        }
        Assert.That(count, Is.EqualTo(1), $"one {string.Join(" or ", statuses)} request counted for {model}");
    }
}
