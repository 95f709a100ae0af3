using System.Net;
using System.Net.Http.Json;
using D2Sharp.Runtime;
using D2Sharp.Serving.V1;
using Google.Protobuf;
using Grpc.Core;

namespace D2Sharp.Serving.Tests;

/// <summary>Detect, Features, DetectStream and ListModels against the session they must agree with.</summary>
[TestFixture]
public class DetectTests
{
    private const string Model = "frcnn";
    private RunningServer _server = null!;
    private InferenceSession _session = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await RunningServer.StartAsync(Fixtures.Model(Model));
        _session = Fixtures.Session();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _session.Dispose();
    }

    [Test]
    public async Task DetectOverGrpcGivesTheSessionsInstances()
    {
        var response = await _server.Detector.DetectAsync(Fixtures.Detect(Model, Fixtures.Png()));

        var expected = _session.Run(Fixtures.Picture()).Instances![0];
        Assert.That(expected.Count, Is.EqualTo(58), "the fixture's detections");
        Assert.That(response, Is.EqualTo(Expected(expected, generation: 1)));
    }

    [Test]
    public async Task DetectOverHttpJsonGivesTheSameAnswerAsGrpc()
    {
        var png = Fixtures.Png();
        var grpc = await _server.Detector.DetectAsync(Fixtures.Detect(Model, png));

        using var http = await _server.Http.PostAsJsonAsync($"/v1/models/{Model}:detect", new { image = Convert.ToBase64String(png) });
        string json = await http.Content.ReadAsStringAsync();

        Assert.That(http.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
        Assert.That(json, Does.Contain("\"className\":\"").And.Contain("\"box\":{\"x1\":"), "lowerCamelCase JSON names");
        Assert.That(JsonParser.Default.Parse<DetectResponse>(json), Is.EqualTo(grpc));
    }

    [Test]
    public async Task ARawImageInTheOtherChannelOrderGivesTheSameInstances()
    {
        var picture = Fixtures.Picture();
        var rgb = Fixtures.Raw(Imaging.ImageLoader.Load(D2Sharp.Tests.TestPaths.Fixture(Fixtures.Detection, "image.png"), "RGB"));

        var fromRaw = await _server.Detector.DetectAsync(new DetectRequest { Model = Model, Raw = rgb });

        Assert.That(fromRaw, Is.EqualTo(Expected(_session.Run(picture).Instances![0], generation: 1)));
    }

    [Test]
    public async Task FeaturesAreTheSessionsFeatureMapsCroppedToTheImage()
    {
        var response = await _server.Detector.FeaturesAsync(new FeaturesRequest { Model = Model, Image = ByteString.CopyFrom(Fixtures.Png()), Names = { "p2", "p4" } });

        var result = _session.Run(Fixtures.Picture());
        // 150×200 resizes to 128×171, padded to 128×192: p2 (stride 4) covers 32×43 of its 32×48.
        Assert.That((response.ImageHeight, response.ImageWidth), Is.EqualTo((128, 171)));
        Assert.That(response.Features.Select(f => (f.Name, f.Stride)), Is.EqualTo(new[] { ("p2", 4), ("p4", 16) }));
        Assert.That(response.Features[0].Shape, Is.EqualTo(new[] { 32, 32, 43 }));
        foreach (var map in response.Features)
        {
            var (shape, data) = FeatureOracle.Cropped(result, map.Name, map.Stride);
            Assert.That(map.Shape, Is.EqualTo(shape), map.Name);
            Assert.That(map.Data, Is.EqualTo(data), map.Name);
        }
    }

    [Test]
    public async Task DetectStreamAnswersEachImageInOrder()
    {
        var picture = Fixtures.Picture();
        Imaging.Image[] images = [picture, Fixtures.Crop(picture, 120, 200), Fixtures.Crop(picture, 150, 150, transpose: true), picture];

        using var call = _server.Detector.DetectStream();
        foreach (var image in images) await call.RequestStream.WriteAsync(Fixtures.Detect(Model, image));
        await call.RequestStream.CompleteAsync();
        var answers = new List<DetectResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync()) answers.Add(answer);

        Assert.That(answers, Is.EqualTo(images.Select(image => Expected(_session.Run(image).Instances![0], generation: 1))));
    }

    [Test]
    public async Task AStreamEndsWithTheStatusOfItsFirstBadImage()
    {
        using var call = _server.Detector.DetectStream();
        await call.RequestStream.WriteAsync(Fixtures.Detect(Model, Fixtures.Png()));
        await call.RequestStream.WriteAsync(Fixtures.Detect(Model, "not an image"u8.ToArray()));
        await call.RequestStream.CompleteAsync();

        Assert.That(await call.ResponseStream.MoveNext(), Is.True, "the good image's answer comes first");
        var error = Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task ListModelsDescribesTheModel()
    {
        var models = (await _server.Detector.ListModelsAsync(new ListModelsRequest())).Models;

        Assert.That(models, Has.Count.EqualTo(1));
        var model = models[0];
        Assert.That((model.Name, model.Ready, model.Generation, model.Architecture, model.Scope, model.Device, model.InputFormat),
            Is.EqualTo((Model, true, 1L, "GeneralizedRCNN", "detections", "cpu", "BGR")));
        Assert.That(model.Features, Is.EqualTo(new[] { "p2", "p3", "p4", "p5", "p6" }));
        Assert.That(model.ClassNames, Has.Count.EqualTo(80).And.Contains("person"));
    }

    [TestCase("det_mask_rcnn_r50_fpn")]
    [TestCase("det_keypoint_rcnn_r50_fpn")]
    public async Task InstancesCarryMasksAsCocoRleAndKeypoints(string fixture)
    {
        await using var server = await RunningServer.StartAsync(Fixtures.Model("heads", fixture));
        using var session = Fixtures.Session(fixture);

        var response = await server.Detector.DetectAsync(Fixtures.Detect("heads", Fixtures.Png(fixture)));

        var instances = session.Run(Fixtures.Picture(fixture)).Instances![0];
        Assert.That(instances.Count, Is.Positive);
        Assert.That(instances.Masks != null || instances.Keypoints != null, "the fixture has a mask or keypoint head");
        Assert.That(response, Is.EqualTo(Expected(instances, generation: 1, "heads", DatasetMetadata.For(session.Model.Config))));
    }

    /// <summary>
    /// The response the server must give for <paramref name="instances"/>, every field written out
    /// here: class names from <paramref name="metadata"/> (COCO's 80 by default), masks as COCO RLE,
    /// keypoints as (x, y, score).
    /// </summary>
    internal static DetectResponse Expected(Instances instances, long generation, string model = Model, DatasetMetadata? metadata = null)
    {
        var names = metadata ?? DatasetMetadata.For("coco_2017_val", 80);
        var response = new DetectResponse { Model = model, Generation = generation, ImageHeight = instances.ImageHeight, ImageWidth = instances.ImageWidth };
        for (int k = 0; k < instances.Count; k++)
        {
            int cls = instances.Classes[k];
            var instance = new Instance
            {
                Box = new Box { X1 = instances.Boxes[4 * k], Y1 = instances.Boxes[4 * k + 1], X2 = instances.Boxes[4 * k + 2], Y2 = instances.Boxes[4 * k + 3] },
                Score = instances.Scores[k],
                ClassId = cls,
                ClassName = names.ClassNames[cls],
                CategoryId = names.CategoryIds[cls],
            };
            if (instances.Masks?[k] is { } mask)
                instance.Mask = new CocoRle { Size = { instances.ImageHeight, instances.ImageWidth }, Counts = mask.ToCocoRleString() };
            for (int j = 0; j < instances.KeypointsPerInstance; j++)
            {
                var point = instances.Keypoints.AsSpan((k * instances.KeypointsPerInstance + j) * 3, 3);
                instance.Keypoints.Add(new Keypoint { X = point[0], Y = point[1], Score = point[2] });
            }
            response.Instances.Add(instance);
        }
        return response;
    }
}
