using D2Sharp.Modeling;

namespace D2Sharp.Runtime;

/// <summary>
/// What one run produced: every graph output by name (features NCHW float32, anchors [K, 4] XYXY,
/// RPN top-k logits and int64 indices, proposals, detections…), in the graph's output order, the
/// size of each image inside the padded batch, and for a detection model each image's instances.
/// </summary>
public sealed class InferenceResult
{
    internal InferenceResult(IReadOnlyList<KeyValuePair<string, Tensor>> outputs, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<Instances>? instances, TimeSpan elapsed)
    {
        Outputs = outputs;
        ImageSizes = imageSizes;
        Instances = instances;
        Elapsed = elapsed;
    }

    /// <summary>Every graph output the run produced, by name, in the graph's output order (feature maps NCHW float32).</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> Outputs { get; }
    /// <summary>Each image's (height, width) after resizing, before padding: what Detectron2 calls <c>image_sizes</c>.</summary>
    public IReadOnlyList<(int Height, int Width)> ImageSizes { get; }
    /// <summary>
    /// Per image, the detections in original-image pixels (<see cref="ModelScope"/> Detections);
    /// null when the model stops before detections.
    /// </summary>
    public IReadOnlyList<Instances>? Instances { get; }
    /// <summary>Time spent in the backend (resizing and output copies excluded).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The output named <paramref name="name"/> (<c>p2</c>, <c>proposals_count</c>).</summary>
    /// <exception cref="KeyNotFoundException">No output has that name; the message lists the outputs.</exception>
    public Tensor this[string name] =>
        Outputs.FirstOrDefault(o => o.Key == name).Value
        ?? throw new KeyNotFoundException($"no output '{name}'; outputs: {string.Join(", ", Outputs.Select(o => o.Key))}");
}

/// <summary>What an allocation-free run reports: the padded input size it ran at and the time in the backend.</summary>
public readonly record struct RunInfo(int Batch, int Height, int Width, TimeSpan Elapsed);
