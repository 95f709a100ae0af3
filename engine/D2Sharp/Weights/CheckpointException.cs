namespace D2Sharp.Weights;

/// <summary>
/// A checkpoint could not be read, was refused as unsafe, or does not fit the model.
/// The message always names the file.
/// </summary>
public sealed class CheckpointException : D2SharpException
{
    /// <summary>A checkpoint problem; the message is prefixed with <c>checkpoint '&lt;path&gt;':</c> when <paramref name="path"/> is given.</summary>
    /// <param name="path">The file at fault, or null when there is none.</param>
    /// <param name="message">What went wrong.</param>
    public CheckpointException(string? path, string message)
        : base(Compose(path, message))
    {
        Path = path;
    }

    /// <summary>A checkpoint problem caused by <paramref name="inner"/> (an I/O or unpickling error); the message is prefixed as in the other constructor.</summary>
    /// <param name="path">The file at fault, or null when there is none.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The underlying exception.</param>
    public CheckpointException(string? path, string message, Exception inner)
        : base(Compose(path, message), inner)
    {
        Path = path;
    }

    /// <summary>The checkpoint file at fault, when there is one.</summary>
    public string? Path { get; }

    private static string Compose(string? path, string message) =>
        path is null ? message : $"checkpoint '{path}': {message}";
}
