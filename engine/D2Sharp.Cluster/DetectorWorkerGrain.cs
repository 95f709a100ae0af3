using D2Sharp.Serving;
using D2Sharp.Serving.Grpc;
using D2Sharp.Serving.V1;
using Google.Protobuf;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>
/// The worker for one model on this silo: it hands each request to the silo's
/// <see cref="LocalModelRouter"/>, which queues and batches it with the silo's other requests.
/// Reentrant, so that the calls it holds wait in the model's queue together and can share a batch
/// (a non-reentrant grain would run them one at a time and never batch). Every answer carries the
/// model's load on this silo, so a router that sends here learns it without asking.
/// </summary>
[Reentrant, SiloKeyedPlacement]
internal sealed class DetectorWorkerGrain(LocalModelRouter models) : Grain, IDetectorWorkerGrain
{
    private string Model => WorkerKey.Model(this.GetPrimaryKeyString());

    public Task<WorkerReply> Detect(byte[] request, CancellationToken cancellation) =>
        Answer(async () => await models.DetectAsync(WithModel(DetectRequest.Parser.ParseFrom(request)), cancellation));

    public Task<WorkerReply> Features(byte[] request, CancellationToken cancellation) =>
        Answer(async () =>
        {
            var features = FeaturesRequest.Parser.ParseFrom(request);
            features.Model = Model;
            return await models.FeaturesAsync(features, cancellation);
        });

    public Task<WorkerReply> Reload(CancellationToken cancellation) =>
        Answer(async () => await models.ReloadAsync(new ReloadModelRequest { Model = Model }, cancellation));

    public Task<WorkerReply> Describe(CancellationToken cancellation) =>
        Answer(async () => (await models.ListModelsAsync(cancellation)).Models.FirstOrDefault(m => m.Name == Model)
            ?? throw new ModelNotFoundException($"silo {WorkerKey.Silo(this.GetPrimaryKeyString())} does not serve model '{Model}'"));

    /// <summary>The request for this worker's model, whatever model it named (the key decides).</summary>
    private DetectRequest WithModel(DetectRequest request)
    {
        request.Model = Model;
        return request;
    }

    /// <summary>The call's answer or error, with the model's load as it leaves (which no longer counts this request).</summary>
    private async Task<WorkerReply> Answer<T>(Func<Task<T>> call) where T : IMessage
    {
        try
        {
            var message = (await call()).ToByteArray();
            return new WorkerReply(message, 0, null, LoadNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A cancellation is the caller's (or its timeout's): Orleans carries it back as such.
            var status = StatusMapping.ToStatus(e, DateTime.MaxValue);
            return new WorkerReply(null, (int)status.StatusCode, status.Detail, LoadNow());
        }
    }

    private WorkerLoad? LoadNow() => models.ModelNames.Contains(Model) ? SiloModelsGrain.Read(models, Model) : null;
}
