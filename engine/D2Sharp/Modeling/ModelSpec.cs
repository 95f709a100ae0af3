using D2Sharp.Config;
using D2Sharp.Graph;

namespace D2Sharp.Modeling;

/// <summary>A built model: its config, its graph, and what preprocessing the graph expects.</summary>
public sealed class ModelSpec
{
    internal ModelSpec(CfgNode config, ModelGraph graph, int sizeDivisibility, IReadOnlyList<string> features, IReadOnlyList<string> anchors)
    {
        Config = config;
        Graph = graph;
        SizeDivisibility = sizeDivisibility;
        FeatureNames = features;
        AnchorNames = anchors;
        PixelMean = config.GetDoubleList("MODEL.PIXEL_MEAN");
        PixelStd = config.GetDoubleList("MODEL.PIXEL_STD");
        InputFormat = config.GetString("INPUT.FORMAT");
    }

    public CfgNode Config { get; }
    public ModelGraph Graph { get; }
    /// <summary>Inputs are zero-padded bottom/right to a multiple of this (the backbone's; 0 = none).</summary>
    public int SizeDivisibility { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary><c>anchors_&lt;feature&gt;</c> outputs; empty when the meta-architecture has no anchor generator.</summary>
    public IReadOnlyList<string> AnchorNames { get; }
    public IReadOnlyList<double> PixelMean { get; }
    public IReadOnlyList<double> PixelStd { get; }
    public string InputFormat { get; }
}
