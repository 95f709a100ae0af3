using System.Net;
using System.Net.Http.Json;
using D2Sharp.Serving.V1;
using Google.Protobuf;
using Grpc.Core;

namespace D2Sharp.Serving.Tests;

/// <summary>Bad requests get their status and the library's message, and the server goes on serving.</summary>
[TestFixture]
public class ErrorTests
{
    private RunningServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await RunningServer.StartAsync(new ServingOptions
    {
        Models = [Fixtures.Model("frcnn"), Fixtures.Model("backbone") with { Session = ModelSource.DefaultSession with { Scope = Modeling.ModelScope.Backbone } }],
        // The fixture's 150×200 image passes; 200×200 does not.
        MaxImagePixels = 30_000,
    });

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [TearDown]
    public async Task TheServerStillServes() =>
        Assert.That((await _server.Detector.DetectAsync(Fixtures.Detect("frcnn", Fixtures.Png()))).Instances, Has.Count.EqualTo(58));

    private RpcException Refused(DetectRequest request) => Assert.ThrowsAsync<RpcException>(() => _server.Detector.DetectAsync(request).ResponseAsync)!;

    [Test]
    public async Task AnUnknownModelIsNotFoundNamingTheModelsServed()
    {
        var error = Refused(Fixtures.Detect("nope", Fixtures.Png()));
        using var http = await _server.Http.PostAsJsonAsync("/v1/models/nope:detect", new { image = Convert.ToBase64String(Fixtures.Png()) });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(error.Status.Detail, Is.EqualTo("no model 'nope' on this server; it serves: frcnn, backbone"));
        Assert.That(http.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await _server.MetricAsync("d2sharp_serving_requests_total", "model=\"(unknown)\"", "status=\"NOT_FOUND\""), Is.EqualTo(2),
            "a name the server does not hold is not a label of its own");
    }

    [Test]
    public async Task AnUndecodableImageIsInvalidArgumentWithTheDecodersMessage()
    {
        var error = Refused(Fixtures.Detect("frcnn", Fixtures.Png()[..200]));
        using var http = await _server.Http.PostAsJsonAsync("/v1/models/frcnn:detect", new { image = Convert.ToBase64String("GIF89a"u8.ToArray()) });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.StartWith("request image: "));
        Assert.That(http.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await http.Content.ReadAsStringAsync(), Does.Contain("request image: cannot decode image: the content is neither a PNG nor a JPEG file"));
    }

    [Test]
    public void ARawImageWhoseBytesDoNotMatchItsSizeIsInvalidArgument()
    {
        var raw = Fixtures.Raw(Fixtures.Picture());
        raw.Pixels = ByteString.CopyFrom(raw.Pixels.Span[..^3]);

        var error = Refused(new DetectRequest { Model = "frcnn", Raw = raw });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.Contain("pixel buffer"));
    }

    [Test]
    public void AnImageOverTheServersPixelLimitIsInvalidArgument()
    {
        var picture = Fixtures.Picture();
        var error = Refused(new DetectRequest { Model = "frcnn", Raw = new RawImage { Height = 200, Width = 200, Pixels = ByteString.CopyFrom(new byte[120_000]) } });
        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.Contain("200x200").And.Contain("30000 pixels"));
        Assert.That(picture.Height * picture.Width, Is.LessThanOrEqualTo(30_000), "the fixture itself passes");
    }

    [Test]
    public void ARequestWithoutAnImageIsInvalidArgument()
    {
        var error = Refused(new DetectRequest { Model = "frcnn" });
        Assert.That((error.StatusCode, error.Status.Detail), Is.EqualTo((StatusCode.InvalidArgument,
            "the request has no image: set image (PNG or JPEG bytes) or raw (decoded pixels)")));
    }

    [Test]
    public void AnUnknownFeatureMapIsInvalidArgumentListingTheModelsOwn()
    {
        var error = Assert.ThrowsAsync<RpcException>(() => _server.Detector.FeaturesAsync(
            new FeaturesRequest { Model = "backbone", Image = ByteString.CopyFrom(Fixtures.Png()), Names = { "p7" } }).ResponseAsync);
        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Is.EqualTo("model 'backbone' has no feature map 'p7'; it has: p2, p3, p4, p5, p6"));
    }

    [Test]
    public async Task DetectOnAModelServedWithoutItsHeadsIsFailedPreconditionButFeaturesWork()
    {
        var error = Refused(Fixtures.Detect("backbone", Fixtures.Png()));
        var features = await _server.Detector.FeaturesAsync(new FeaturesRequest { Model = "backbone", Image = ByteString.CopyFrom(Fixtures.Png()) });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(error.Status.Detail, Does.Contain("scope backbone").And.Contain("--scope detections"));
        Assert.That(features.Features.Select(f => f.Name), Is.EqualTo(new[] { "p2", "p3", "p4", "p5", "p6" }));
    }
}
