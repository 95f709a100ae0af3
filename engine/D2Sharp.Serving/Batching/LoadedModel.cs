using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving.Batching;

/// <summary>
/// One load of a model: its session, what responses need from its config (class names, feature
/// strides), and a count of its users (the host, and each batch running on it), so that a reload
/// frees it only after the last batch on it has ended.
/// </summary>
internal sealed class LoadedModel
{
    // The host's own reference, dropped when a reload replaces this load, plus one per running batch.
    private int _references = 1;
    private readonly int _minSize, _maxSize;

    private LoadedModel(InferenceSession session, long generation)
    {
        Session = session;
        Generation = generation;
        var model = session.Model;
        Metadata = model.Scope == ModelScope.Detections ? DatasetMetadata.For(model.Config) : null;
        FeatureStrides = model.FeatureNames.ToDictionary(name => name, name => model.Graph.Output(name).Spec.Stride);
        _minSize = model.Config.GetInt("INPUT.MIN_SIZE_TEST");
        _maxSize = model.Config.GetInt("INPUT.MAX_SIZE_TEST");
    }

    public InferenceSession Session { get; }
    /// <summary>1 for the load at start, one more for each reload.</summary>
    public long Generation { get; }
    /// <summary>Class names and dataset ids; null when the model stops before the detections.</summary>
    public DatasetMetadata? Metadata { get; }
    /// <summary>Each backbone feature map's stride, in the model's order.</summary>
    public IReadOnlyDictionary<string, int> FeatureStrides { get; }
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    public static LoadedModel Load(ModelSource source, ILogger logger, long generation)
    {
        var options = (source.Session ?? ModelSource.DefaultSession) with { Logger = logger };
        return new LoadedModel(InferenceSession.Load(source.ConfigPath, source.Opts, source.WeightsPath, options), generation);
    }

    /// <summary>The padded input size <paramref name="image"/> runs at: Detectron2's test-time resize, rounded up to the size divisibility.</summary>
    public (int Height, int Width) PaddedSize(Image image)
    {
        var (height, width) = _minSize > 0 ? ResizeShortestEdge.GetOutputShape(image.Height, image.Width, _minSize, _maxSize) : (image.Height, image.Width);
        return Session.Model.PaddedSize(height, width);
    }

    /// <summary>Counts one more user; false once the load is freed (a reload replaced it and its last batch ended).</summary>
    public bool TryAcquire()
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _references);
            if (seen == 0) return false;
        }
        while (Interlocked.CompareExchange(ref _references, seen + 1, seen) != seen);
        return true;
    }

    /// <summary>Drops one user; the last one frees the session.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) Session.Dispose();
    }
}
