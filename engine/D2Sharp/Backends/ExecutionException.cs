namespace D2Sharp.Backends;

/// <summary>A node failed while running; the message names the node and the backend.</summary>
public sealed class ExecutionException : D2SharpException
{
    public ExecutionException(string message) : base(message) { }
    public ExecutionException(string message, Exception inner) : base(message, inner) { }
}
