namespace D2Sharp.Serving;

/// <summary>How loaded one model of a process is at one moment (<see cref="LocalModelRouter.Load"/>).</summary>
/// <param name="Ready">Whether the model has loaded and takes requests.</param>
/// <param name="Queued">Requests waiting in its queue.</param>
/// <param name="Running">Requests in the batch it is running.</param>
public readonly record struct ModelLoad(bool Ready, int Queued, int Running)
{
    /// <summary>Requests a new one would wait behind (at most: a batch may take it alongside queued ones).</summary>
    public int Total => Queued + Running;
}
