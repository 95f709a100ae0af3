using D2Sharp.Imaging;
using D2Sharp.Serving.V1;
using Google.Protobuf;

namespace D2Sharp.Serving.Tests;

/// <summary>Dynamic batching: concurrent requests share runs and each gets the answer it would get alone.</summary>
[TestFixture]
public class BatchingTests
{
    [Test]
    public async Task ConcurrentRequestsShareRunsAndGetTheirUnbatchedAnswers()
    {
        const string model = "batched";
        await using var server = await RunningServer.StartAsync(new ServingOptions { Models = [Fixtures.Model(model)], MaxBatch = 4 });
        using var session = Fixtures.Session();
        var picture = Fixtures.Picture();
        // Resized (short side 128, long side at most 224) and padded to 32, these five run at 128×192 …
        Image[] landscape = [picture, Fixtures.Crop(picture, 150, 190), Fixtures.Crop(picture, 140, 200), Fixtures.Crop(picture, 145, 200)];
        // … and these three, portrait, at 192×128.
        Image[] portrait = [Fixtures.Crop(picture, 200, 150, transpose: true), Fixtures.Crop(picture, 190, 150, transpose: true),
            Fixtures.Crop(picture, 195, 150, transpose: true)];
        var gate = server.HoldBatches(model);

        // Every request is queued before the first batch is cut, so the batches do not depend on timing.
        var detections = landscape.Concat(portrait).Select(image => server.Detector.DetectAsync(Fixtures.Detect(model, image)).ResponseAsync).ToList();
        var features = server.Detector.FeaturesAsync(new FeaturesRequest { Model = model, Raw = Fixtures.Raw(picture), Names = { "p3" } }).ResponseAsync;
        await RunningServer.Until(() => server.Model(model).QueueDepth == 8, "eight queued requests");
        gate.Open();
        var answers = await Task.WhenAll(detections);
        var featureAnswer = await features;

        // Five landscape requests in batches of at most 4, three portrait ones: 4 + 1 + 3, never mixing sizes.
        Assert.That(await server.MetricAsync("d2sharp_serving_batch_size_count", $"model=\"{model}\""), Is.EqualTo(3));
        Assert.That(await server.MetricAsync("d2sharp_serving_batch_size_sum", $"model=\"{model}\""), Is.EqualTo(8));
        var alone = landscape.Concat(portrait).Select(image => DetectTests.Expected(session.Run(image).Instances![0], generation: 1, model));
        Assert.That(answers, Is.EqualTo(alone));
        var (shape, data) = FeatureOracle.Cropped(session.Run(picture), "p3", 8);
        Assert.That(featureAnswer.Features[0].Shape, Is.EqualTo(shape));
        Assert.That(featureAnswer.Features[0].Data, Is.EqualTo(data));
    }

    [Test]
    public async Task WithoutBatchingEachRequestRunsAlone()
    {
        const string model = "unbatched";
        await using var server = await RunningServer.StartAsync(Fixtures.Model(model));
        var gate = server.HoldBatches(model);
        var request = Fixtures.Detect(model, Fixtures.Png());

        var answers = Enumerable.Range(0, 3).Select(_ => server.Detector.DetectAsync(request).ResponseAsync).ToList();
        await RunningServer.Until(() => server.Model(model).QueueDepth == 3, "three queued requests");
        gate.Open();
        await Task.WhenAll(answers);

        Assert.That(await server.MetricAsync("d2sharp_serving_batch_size_count", $"model=\"{model}\""), Is.EqualTo(3));
    }
}
