namespace D2Sharp.Backends;

/// <summary>A node failed while running; the message names the node and the backend.</summary>
public sealed class ExecutionException : D2SharpException
{
    /// <summary>An execution failure described by <paramref name="message"/>.</summary>
    public ExecutionException(string message) : base(message) { }
    /// <summary>An execution failure described by <paramref name="message"/>, caused by <paramref name="inner"/> (such as a CUDA driver error).</summary>
    public ExecutionException(string message, Exception inner) : base(message, inner) { }
}
