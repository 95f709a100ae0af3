using System.Threading.Channels;
using D2Sharp.Serving.V1;
using Grpc.Core;

namespace D2Sharp.Serving.Grpc;

/// <summary>The <c>d2sharp.v1.Detector</c> service (and, through JSON transcoding, its HTTP/JSON routes).</summary>
internal sealed class DetectorService(IModelRouter router, CallObserver calls) : Detector.DetectorBase
{
    /// <summary>
    /// How many of a stream's requests run at once: enough to fill batches from one stream, few
    /// enough that one stream cannot take a whole queue.
    /// </summary>
    private const int StreamWindow = 8;

    public override Task<DetectResponse> Detect(DetectRequest request, ServerCallContext context) =>
        calls.RunAsync(nameof(Detect), request.Model, context, () => router.DetectAsync(request, context.CancellationToken));

    public override Task<FeaturesResponse> Features(FeaturesRequest request, ServerCallContext context) =>
        calls.RunAsync(nameof(Features), request.Model, context, () => router.FeaturesAsync(request, context.CancellationToken));

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context) =>
        router.ListModelsAsync(context.CancellationToken);

    public override async Task DetectStream(IAsyncStreamReader<DetectRequest> requests, IServerStreamWriter<DetectResponse> responses,
        ServerCallContext context)
    {
        // Cancelled by the call ending or by a failed answer, which ends the stream with its status.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var running = Channel.CreateBounded<Task<DetectResponse>>(StreamWindow);
        var writing = WriteInOrderAsync(running, responses, stop);
        try
        {
            await foreach (var request in requests.ReadAllAsync(stop.Token))
            {
                await running.Writer.WriteAsync(
                    calls.RunAsync(nameof(DetectStream), request.Model, context, () => router.DetectAsync(request, stop.Token)), stop.Token);
            }
        }
        catch (Exception e) when ((e is OperationCanceledException or ChannelClosedException) && !context.CancellationToken.IsCancellationRequested)
        {
            // The writer failed first; awaiting it below throws its error.
        }
        finally
        {
            running.Writer.TryComplete();
        }
        await writing;
    }

    /// <summary>Writes each answer as it completes, in request order; on an error stops the reading and rethrows.</summary>
    private static async Task WriteInOrderAsync(Channel<Task<DetectResponse>> running, IServerStreamWriter<DetectResponse> responses,
        CancellationTokenSource stop)
    {
        try
        {
            await foreach (var answer in running.Reader.ReadAllAsync())
                await responses.WriteAsync(await answer);
        }
        catch
        {
            running.Writer.TryComplete();
            await stop.CancelAsync();
            throw;
        }
    }
}
