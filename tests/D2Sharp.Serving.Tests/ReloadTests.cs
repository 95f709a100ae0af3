using D2Sharp.Serving.V1;

namespace D2Sharp.Serving.Tests;

/// <summary>Reloading a model in place: nothing fails, the batch under way ends on the old load, which is then freed.</summary>
[TestFixture]
public class ReloadTests
{
    [Test]
    public async Task ABatchUnderWayEndsOnTheOldLoadAndLaterRequestsRunOnTheNewOne()
    {
        const string model = "reloaded";
        await using var server = await RunningServer.StartAsync(Fixtures.Model(model));
        using var session = Fixtures.Session();
        var expected = session.Run(Fixtures.Picture()).Instances![0];
        var first = server.Model(model).Current!;
        var gate = server.HoldBatches(model);
        var request = Fixtures.Detect(model, Fixtures.Png());

        // The loop holds the first load for its next batch; three requests wait for it.
        var answers = Enumerable.Range(0, 3).Select(_ => server.Detector.DetectAsync(request).ResponseAsync).ToList();
        await gate.Entered.Task;
        await RunningServer.Until(() => server.Model(model).QueueDepth == 3, "three queued requests");
        var reloaded = await server.Admin.ReloadModelAsync(new ReloadModelRequest { Model = model });

        Assert.That((reloaded.Generation, reloaded.Ready), Is.EqualTo((2L, true)));
        Assert.That(first.IsDisposed, Is.False, "the batch under way holds the old load");
        gate.Open();
        var responses = await Task.WhenAll(answers);
        Assert.That(responses.Select(r => r.Generation).Order(), Is.EqualTo(new[] { 1L, 2L, 2L }), "one batch on the old load, the rest on the new");
        Assert.That(responses.Select(r => r.Instances), Has.All.EqualTo(DetectTests.Expected(expected, 1, model).Instances));
        await RunningServer.Until(() => first.IsDisposed, "the old load to be freed after its last batch");
    }

    [Test]
    public async Task ReloadsUnderLoadFailNoRequest()
    {
        const string model = "busy";
        await using var server = await RunningServer.StartAsync(new ServingOptions { Models = [Fixtures.Model(model)], MaxBatch = 2 });
        var request = Fixtures.Detect(model, Fixtures.Png());

        var load = Enumerable.Range(0, 12).Select(_ => server.Detector.DetectAsync(request).ResponseAsync).ToList();
        var reloads = new List<ModelInfo>();
        for (int i = 0; i < 2; i++) reloads.Add(await server.Admin.ReloadModelAsync(new ReloadModelRequest { Model = model }));
        var responses = await Task.WhenAll(load);

        Assert.That(reloads.Select(r => r.Generation), Is.EqualTo(new[] { 2L, 3L }));
        Assert.That(responses.Select(r => r.Instances.Count), Has.All.EqualTo(58));
        Assert.That(await server.MetricAsync("d2sharp_serving_requests_total", $"model=\"{model}\"", "status=\"OK\""), Is.EqualTo(12 + 2));
    }
}
