using D2Sharp.Serving.V1;

namespace D2Sharp.Serving;

/// <summary>
/// Where the API's calls are answered: the gRPC and HTTP/JSON services only translate to and from
/// the wire and call this. <see cref="LocalModelRouter"/> answers with the models of this process;
/// a cluster's router answers by sending each request to a worker that holds the model. Errors are
/// the typed exceptions (<see cref="ModelNotFoundException"/>, <see cref="QueueFullException"/>,
/// <see cref="Imaging.ImageFormatException"/>, …), which the services turn into status codes.
/// </summary>
public interface IModelRouter
{
    /// <summary>Whether every model can take requests (readiness).</summary>
    bool IsReady { get; }

    Task<DetectResponse> DetectAsync(DetectRequest request, CancellationToken cancellation);

    Task<FeaturesResponse> FeaturesAsync(FeaturesRequest request, CancellationToken cancellation);

    Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellation);

    Task<ModelInfo> ReloadAsync(ReloadModelRequest request, CancellationToken cancellation);
}
