using System.Net.Http.Json;
using D2Sharp.Imaging;
using D2Sharp.Runtime;
using D2Sharp.Serving;
using D2Sharp.Serving.V1;
using Google.Protobuf;
using Grpc.Net.Client;

namespace D2Sharp.LoadGen;

/// <summary>Something that detects the instances in an encoded image: a server, or the library itself.</summary>
internal interface ILoadTarget : IAsyncDisposable
{
    string Description { get; }

    /// <summary>One request; returns the number of instances found.</summary>
    Task<int> DetectAsync(byte[] image);
}

internal sealed class GrpcTarget(Uri url, string model) : ILoadTarget
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(url);

    public string Description => $"{url}, model {model}";

    public async Task<int> DetectAsync(byte[] image)
    {
        var client = new Detector.DetectorClient(_channel);
        var response = await client.DetectAsync(new DetectRequest { Model = model, Image = ByteString.CopyFrom(image) });
        return response.Instances.Count;
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed class HttpTarget(Uri url, string model) : ILoadTarget
{
    // Enough connections for every client: HTTP/1.1 sends one request at a time per connection.
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = url };

    public string Description => $"{url}, model {model}";

    public async Task<int> DetectAsync(byte[] image)
    {
        using var response = await _http.PostAsJsonAsync($"/v1/models/{model}:detect", new { image = Convert.ToBase64String(image) });
        response.EnsureSuccessStatusCode();
        return JsonParser.Default.Parse<DetectResponse>(await response.Content.ReadAsStringAsync()).Instances.Count;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The library without a server: one session shared by every client (runs on it take turns, as the server's batch loop does).</summary>
internal sealed class EmbeddedTarget(string config, string? weights) : ILoadTarget
{
    private readonly InferenceSession _session = InferenceSession.Load(config, weightsPath: weights, options: ModelSource.DefaultSession);

    public string Description => $"InferenceSession.Run in this process, {config}";

    public async Task<int> DetectAsync(byte[] image)
    {
        var decoded = ImageLoader.Decode(image, _session.Model.InputFormat, "image");
        var result = await _session.RunAsync([decoded]);
        return result.Instances![0].Count;
    }

    public ValueTask DisposeAsync()
    {
        _session.Dispose();
        return ValueTask.CompletedTask;
    }
}
