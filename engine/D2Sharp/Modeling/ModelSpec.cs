using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Modeling;

/// <summary>
/// A built model: its config, its graph, the graph's two ways in (uint8 <see cref="Pixels"/> with
/// <see cref="ImageSizes"/>, or the already-normalised <see cref="Image"/>), and the padding the
/// backbone needs.
/// </summary>
public sealed class ModelSpec
{
    internal ModelSpec(CfgNode config, ModelGraph graph, ModelScope scope, Value pixels, Value imageSizes, Value image,
        int sizeDivisibility, IReadOnlyList<string> features, IReadOnlyList<string> anchors)
    {
        Config = config;
        Graph = graph;
        Scope = scope;
        Pixels = pixels;
        ImageSizes = imageSizes;
        Image = image;
        SizeDivisibility = sizeDivisibility;
        FeatureNames = features;
        AnchorNames = anchors;
        PixelMean = config.GetDoubleList("MODEL.PIXEL_MEAN");
        PixelStd = config.GetDoubleList("MODEL.PIXEL_STD");
        InputFormat = config.GetString("INPUT.FORMAT");
    }

    /// <summary>The config the model was built from (defaults, <c>_BASE_</c> chain and overrides merged); do not change it after building.</summary>
    public CfgNode Config { get; }
    /// <summary>The network as a backend-neutral graph, preprocessing op included.</summary>
    public ModelGraph Graph { get; }
    /// <summary>How much of the meta-architecture the graph holds.</summary>
    public ModelScope Scope { get; }
    /// <summary>Graph input: uint8 [N, H, W, 3] in <see cref="InputFormat"/> order, H and W padded to <see cref="SizeDivisibility"/>.</summary>
    public Value Pixels { get; }
    /// <summary>Graph input: int32 [N, 2], each image's (height, width) inside <see cref="Pixels"/>.</summary>
    public Value ImageSizes { get; }
    /// <summary>The normalised, padded float32 [N, 3, H, W] the backbone reads; fed directly by the tensor path.</summary>
    public Value Image { get; }
    /// <summary>Inputs are zero-padded bottom/right to a multiple of this (the backbone's; 0 = none).</summary>
    public int SizeDivisibility { get; }
    /// <summary>Names of the backbone's outputs in Detectron2's order (<c>p2</c>…<c>p6</c>, or <c>res4</c> for a C4 backbone), each a graph output.</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary><c>anchors_&lt;feature&gt;</c> outputs; empty when the meta-architecture has no anchor generator.</summary>
    public IReadOnlyList<string> AnchorNames { get; }
    /// <summary><c>MODEL.PIXEL_MEAN</c>: per-channel mean in <see cref="InputFormat"/> order, on the 0–255 pixel scale.</summary>
    public IReadOnlyList<double> PixelMean { get; }
    /// <summary><c>MODEL.PIXEL_STD</c>: per-channel divisor in <see cref="InputFormat"/> order, on the 0–255 pixel scale.</summary>
    public IReadOnlyList<double> PixelStd { get; }
    /// <summary><c>INPUT.FORMAT</c>: the channel order the model expects of its pixels (<c>"BGR"</c> for the model zoo, or <c>"RGB"</c>).</summary>
    public string InputFormat { get; }

    /// <summary>A size rounded up to <see cref="SizeDivisibility"/>, as <c>ImageList.from_tensors</c> pads.</summary>
    public (int Height, int Width) PaddedSize(int height, int width)
    {
        int d = SizeDivisibility;
        return d > 1 ? ((height + d - 1) / d * d, (width + d - 1) / d * d) : (height, width);
    }

    /// <summary>A plan that feeds uint8 pixels of padded size <paramref name="height"/>×<paramref name="width"/> and their image sizes.</summary>
    public ExecutionPlan PlanForImages(int batch, int height, int width) =>
        ExecutionPlan.Create(Graph, [(Pixels, [batch, height, width, PixelMean.Count]), (ImageSizes, [batch, 2])]);

    /// <summary>
    /// A plan that feeds the normalised float32 [N, 3, H, W] tensor (already padded) and, when
    /// ops past the preprocessing read them (<see cref="NeedsImageSizes"/>), the image sizes; it
    /// produces <paramref name="outputs"/> (every graph output when null).
    /// </summary>
    public ExecutionPlan PlanForNormalized(int batch, int height, int width, IReadOnlyCollection<string>? outputs = null)
    {
        (Value, int[]) image = (Image, [batch, PixelMean.Count, height, width]);
        return ExecutionPlan.Create(Graph, NeedsImageSizes ? [image, (ImageSizes, [batch, 2])] : [image], outputs);
    }

    /// <summary>True when an op after the preprocessing reads <see cref="ImageSizes"/> (the RPN clips its proposals to them).</summary>
    public bool NeedsImageSizes => Graph.Nodes.Any(n => n.Op is not NormalizeImage && n.Inputs.Contains(ImageSizes));
}
