using D2Sharp.Config;
using D2Sharp.Graph;

namespace D2Sharp.Modeling;

/// <summary>
/// Builds a backbone into <see cref="BackboneInput.Graph"/>, as Detectron2's
/// <c>build_*_backbone(cfg, input_shape)</c>. Parameters are named under <see cref="BackboneInput.Prefix"/>
/// (<c>backbone</c>, or <c>backbone.bottom_up</c> when an FPN wraps it).
/// </summary>
public delegate Backbone BackboneBuilder(CfgNode cfg, BackboneInput input);

/// <summary>Adds one anchor output per feature map (in order) and returns them, as Detectron2's anchor generators.</summary>
public delegate IReadOnlyList<Value> AnchorGeneratorBuilder(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features);

/// <summary>Where a backbone builder writes: the graph, the value it reads, and its module path.</summary>
public sealed record BackboneInput(ModelGraph Graph, Value Image, string Prefix);

/// <summary>What a backbone builder returns: its named outputs (high to low resolution) and padding need.</summary>
public sealed class Backbone
{
    /// <summary>A backbone result.</summary>
    /// <param name="outputs">Named output features, high to low resolution.</param>
    /// <param name="sizeDivisibility">The multiple inputs are padded to (Detectron2's <c>size_divisibility</c>); 0 for none.</param>
    public Backbone(IReadOnlyList<KeyValuePair<string, Value>> outputs, int sizeDivisibility)
    {
        Outputs = outputs;
        SizeDivisibility = sizeDivisibility;
    }

    /// <summary>Output features in Detectron2's order (<c>res2</c>…, or <c>p2</c>…<c>p6</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Outputs { get; }

    /// <summary>Inputs are zero-padded bottom/right to a multiple of this (0: no padding).</summary>
    public int SizeDivisibility { get; }

    /// <summary>Finds the output feature named <paramref name="name"/> (<c>res5</c>, <c>p3</c>).</summary>
    /// <returns>False, with <paramref name="value"/> null, when the backbone has no such output.</returns>
    public bool TryGet(string name, out Value value)
    {
        foreach (var o in Outputs)
            if (o.Key == name) { value = o.Value; return true; }
        value = null!;
        return false;
    }
}

/// <summary>A config Detectron2 would reject (its assertion or KeyError), with the same reason.</summary>
public sealed class ModelBuildException(string message) : D2SharpException(message);
