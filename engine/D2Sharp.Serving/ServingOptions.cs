using System.Net;

namespace D2Sharp.Serving;

/// <summary>What a <see cref="ServingHost"/> serves and how it queues and batches requests.</summary>
public sealed record ServingOptions
{
    /// <summary>The models, each loaded once at start; names must be distinct.</summary>
    public required IReadOnlyList<ModelSource> Models { get; init; }

    /// <summary>The address to listen on: loopback by default, so a server is reachable from elsewhere only when asked (0.0.0.0, ::).</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port for gRPC (cleartext HTTP/2); 0 picks a free one (<see cref="ServingHost.GrpcAddress"/>).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>
    /// The TCP port for HTTP/1.1: the JSON API, <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>; null
    /// means <see cref="Port"/> + 1 (or a free one when <see cref="Port"/> is 0). A port of its own
    /// because Kestrel cannot tell HTTP/1.1 from HTTP/2 on a cleartext port: both need TLS to share one.
    /// </summary>
    public int? HttpPort { get; init; }

    internal int ResolvedHttpPort => HttpPort ?? (Port == 0 ? 0 : Port + 1);

    /// <summary>The most requests one run of a model takes together; 1 runs each alone.</summary>
    public int MaxBatch { get; init; } = 1;

    /// <summary>How long a batch waits for more requests after its first one before it runs short.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Requests waiting per model beyond which new ones are refused with RESOURCE_EXHAUSTED.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>
    /// The largest image accepted, in pixels (33.5 million, e.g. 8192×4096, 96 MiB decoded). Lower than
    /// the library's file limit because every queued request holds its decoded image, and
    /// Detectron2's resize shrinks large images anyway.
    /// </summary>
    public long MaxImagePixels { get; init; } = 1L << 25;

    /// <summary>The largest request message: 64 MiB, enough for an 8-megapixel raw image (gRPC's default is 4 MiB).</summary>
    public int MaxMessageBytes { get; init; } = 64 << 20;

    internal void Validate()
    {
        if (Models.Count == 0) throw new ArgumentException("no model to serve", nameof(Models));
        var twice = Models.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new ArgumentException($"two models are named '{twice.Key}'", nameof(Models));
        if (Models.FirstOrDefault(m => string.IsNullOrEmpty(m.Name) || m.Name.Any(c => c is '/' or ':' || char.IsControl(c) || char.IsWhiteSpace(c))) is { } bad)
            throw new ArgumentException($"model name '{D2SharpException.Sanitize(bad.Name)}' cannot be a path segment: it must be non-empty, without '/', ':' or spaces", nameof(Models));
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfNegative(ResolvedHttpPort, nameof(HttpPort));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ResolvedHttpPort, IPEndPoint.MaxPort, nameof(HttpPort));
        if (Port != 0 && ResolvedHttpPort == Port) throw new ArgumentException($"the gRPC and HTTP ports are both {Port}", nameof(HttpPort));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImagePixels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxImagePixels, Imaging.ImageLoadOptions.MaxSupportedPixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1);
    }
}
