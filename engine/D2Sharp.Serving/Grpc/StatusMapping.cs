using D2Sharp.Imaging;
using D2Sharp.Memory;
using D2Sharp.Ops;
using D2Sharp.Runtime;
using Grpc.Core;

namespace D2Sharp.Serving.Grpc;

/// <summary>Which gRPC status each error is (JSON transcoding turns it into the HTTP status).</summary>
internal static class StatusMapping
{
    /// <summary>
    /// The status for <paramref name="error"/>, with D2Sharp's own message; a cancellation is
    /// DEADLINE_EXCEEDED when the call's deadline has passed, else CANCELLED.
    /// </summary>
    public static Status ToStatus(Exception error, DateTime deadline) => error switch
    {
        RpcException rpc => rpc.Status,
        OperationCanceledException => deadline <= DateTime.UtcNow
            ? new Status(StatusCode.DeadlineExceeded, "the deadline passed before the request was answered")
            : new Status(StatusCode.Cancelled, "the caller cancelled the request"),
        ModelNotFoundException => Own(StatusCode.NotFound, error),
        QueueFullException or MemoryLimitException => Own(StatusCode.ResourceExhausted, error),
        ModelUnavailableException => Own(StatusCode.Unavailable, error),
        UnsupportedRequestException => Own(StatusCode.FailedPrecondition, error),
        InvalidRequestException or ImageFormatException or NonFiniteInputException or ShapeException => Own(StatusCode.InvalidArgument, error),
        // Another typed error (a failed kernel, a reload's unreadable checkpoint) names what failed.
        D2SharpException => Own(StatusCode.Internal, error),
        _ => new Status(StatusCode.Internal, $"internal error ({error.GetType().Name}); the server's log has the details"),
    };

    private static Status Own(StatusCode code, Exception error) => new(code, D2SharpException.Sanitize(error.Message));

    /// <summary>The canonical name of a status code, as gRPC's documents write it (NOT_FOUND), for metric labels.</summary>
    public static string Name(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.Unknown => "UNKNOWN",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => code.ToString(),
    };
}
