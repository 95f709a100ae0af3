using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving.Grpc;

/// <summary>
/// Runs one model call for a service: times it, counts it by model and status, and turns its
/// error into the <see cref="RpcException"/> the client sees. Nothing a request does escapes as
/// anything else, so no request can take the server down.
/// </summary>
internal sealed class CallObserver(ServingMetrics metrics, ILogger<CallObserver> log)
{
    public async Task<T> RunAsync<T>(string call, string model, ServerCallContext context, Func<Task<T>> run)
    {
        long start = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await run();
        }
        catch (Exception e)
        {
            var mapped = StatusMapping.ToStatus(e, context.Deadline);
            status = mapped.StatusCode;
            if (e is not (D2SharpException or OperationCanceledException or RpcException)) ServingLog.CallFailed(log, e, call, model);
            throw new RpcException(mapped);
        }
        finally
        {
            // A name the router did not know is client text: it never becomes a label of its own.
            string label = status == StatusCode.NotFound ? ServingMetrics.UnknownModel : model;
            metrics.Request(label, call, StatusMapping.Name(status), Stopwatch.GetElapsedTime(start));
        }
    }
}
