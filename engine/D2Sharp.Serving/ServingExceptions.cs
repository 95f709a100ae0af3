namespace D2Sharp.Serving;

// The serving layer's own typed errors; StatusCodes maps each to its gRPC status.

/// <summary>A request named a model this server does not hold (gRPC NOT_FOUND).</summary>
public sealed class ModelNotFoundException(string message) : D2SharpException(message);

/// <summary>The model's queue holds as many requests as it may (gRPC RESOURCE_EXHAUSTED): retry later.</summary>
public sealed class QueueFullException(string message) : D2SharpException(message);

/// <summary>The model is still loading or the server is stopping (gRPC UNAVAILABLE).</summary>
public sealed class ModelUnavailableException(string message) : D2SharpException(message);

/// <summary>The request itself is malformed: no image, an unknown feature name (gRPC INVALID_ARGUMENT).</summary>
public sealed class InvalidRequestException(string message) : D2SharpException(message);

/// <summary>The model does not compute what was asked, e.g. instances from a backbone (gRPC FAILED_PRECONDITION).</summary>
public sealed class UnsupportedRequestException(string message) : D2SharpException(message);
