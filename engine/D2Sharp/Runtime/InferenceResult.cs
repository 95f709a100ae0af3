namespace D2Sharp.Runtime;

/// <summary>
/// What one run produced: every backbone feature (NCHW) and anchor grid ([K, 4] XYXY) by name,
/// in the graph's output order, plus the sizes of the images inside the padded batch.
/// </summary>
public sealed class InferenceResult
{
    internal InferenceResult(IReadOnlyList<KeyValuePair<string, Tensor>> outputs, IReadOnlyList<(int Height, int Width)> imageSizes, TimeSpan elapsed)
    {
        Outputs = outputs;
        ImageSizes = imageSizes;
        Elapsed = elapsed;
    }

    public IReadOnlyList<KeyValuePair<string, Tensor>> Outputs { get; }
    public IReadOnlyList<(int Height, int Width)> ImageSizes { get; }
    /// <summary>Time spent in the backend (preprocessing excluded).</summary>
    public TimeSpan Elapsed { get; }

    public Tensor this[string name] =>
        Outputs.FirstOrDefault(o => o.Key == name).Value
        ?? throw new KeyNotFoundException($"no output '{name}'; outputs: {string.Join(", ", Outputs.Select(o => o.Key))}");
}
