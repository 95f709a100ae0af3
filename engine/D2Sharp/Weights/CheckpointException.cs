namespace D2Sharp.Weights;

/// <summary>
/// A checkpoint could not be read, was refused as unsafe, or does not fit the model.
/// The message always names the file.
/// </summary>
public sealed class CheckpointException : D2SharpException
{
    public CheckpointException(string? path, string message)
        : base(Compose(path, message))
    {
        Path = path;
    }

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
