using Orleans;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>
/// One model on one silo, keyed <c>MODEL/SILO</c> (<see cref="WorkerKey"/>): it answers with the
/// silo's <see cref="Serving.LocalModelRouter"/>, so requests sent to it share that silo's queue
/// and batches. Requests and answers are the API's protobuf messages in their wire encoding,
/// which Orleans carries as bytes: the messages are not Orleans-serializable types themselves.
/// </summary>
public interface IDetectorWorkerGrain : IGrainWithStringKey
{
    /// <summary>Runs an encoded <c>DetectRequest</c>; the reply holds an encoded <c>DetectResponse</c>.</summary>
    Task<WorkerReply> Detect(byte[] request, CancellationToken cancellation);

    /// <summary>Runs an encoded <c>FeaturesRequest</c>; the reply holds an encoded <c>FeaturesResponse</c>.</summary>
    Task<WorkerReply> Features(byte[] request, CancellationToken cancellation);

    /// <summary>Reloads the model on this silo; the reply holds its encoded <c>ModelInfo</c>.</summary>
    Task<WorkerReply> Reload(CancellationToken cancellation);

    /// <summary>The model's encoded <c>ModelInfo</c> on this silo.</summary>
    Task<WorkerReply> Describe(CancellationToken cancellation);
}

/// <summary>
/// A worker's answer: the encoded response, or the gRPC status its error maps to, and the worker's
/// load as the answer left. Errors travel as a status rather than as exceptions so that the typed
/// serving errors (not Orleans-serializable) reach the caller with their code and message intact.
/// </summary>
/// <param name="Message">The encoded response; null on an error.</param>
/// <param name="Status">The gRPC status code; 0 (OK) on success.</param>
/// <param name="Error">The error's message; null on success.</param>
/// <param name="Load">The worker's model's load once this request had left it; null when its silo does not hold the model.</param>
[GenerateSerializer, Immutable]
public sealed record WorkerReply([property: Id(0)] byte[]? Message, [property: Id(1)] int Status, [property: Id(2)] string? Error,
    [property: Id(3)] WorkerLoad? Load = null);

/// <summary>
/// One model's load on one silo at one moment, as its worker reports it: with every answer, and
/// to each router's poll (<see cref="ISiloModelsGrain"/>).
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Ready">Whether it has loaded and takes requests.</param>
/// <param name="Queued">Requests waiting in its queue on that silo, from every front-end.</param>
/// <param name="Running">Requests in the batch it is running.</param>
/// <param name="SampledAt">
/// When it was read, in the silo's <see cref="System.Diagnostics.Stopwatch"/> ticks: a router keeps the
/// later of two reports of a worker whatever order they arrive in (a poll's may overtake an answer's).
/// </param>
[GenerateSerializer, Immutable]
public sealed record WorkerLoad([property: Id(0)] string Model, [property: Id(1)] bool Ready, [property: Id(2)] int Queued,
    [property: Id(3)] int Running, [property: Id(4)] long SampledAt)
{
    /// <summary>The requests a new one would wait behind.</summary>
    public int Total => Queued + Running;
}
