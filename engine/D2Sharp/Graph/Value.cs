namespace D2Sharp.Graph;

/// <summary>
/// A tensor flowing through the graph: a data type, and for feature maps their channels and stride.
/// Its concrete shape depends on the input size and is found when an <see cref="ExecutionPlan"/> is
/// made. Feature maps are logically NCHW (as Detectron2 holds them) and each backend stores them in
/// its own layout (NHWC on the CPU); every other value is stored exactly in its logical row-major
/// layout (pixels [N, H, W, 3], anchors [K, 4], top-k indices [N, k]…).
/// </summary>
public sealed class Value
{
    internal Value(int id, string name, DataType type, ShapeSpec? feature, Node? producer, int outputIndex)
    {
        Id = id; Name = name; Type = type; Feature = feature; Producer = producer; OutputIndex = outputIndex;
    }

    /// <summary>Position in <see cref="ModelGraph.Values"/>.</summary>
    public int Id { get; }
    /// <summary>Name unique in the graph (<c>p2</c>, <c>rpn_topk_indices_p3</c>); plans and backends address inputs and outputs by it.</summary>
    public string Name { get; }
    /// <summary>Element type of the value.</summary>
    public DataType Type { get; }

    /// <summary>Channels and stride when this value is a feature map; null for every other value.</summary>
    public ShapeSpec? Feature { get; }

    /// <summary>True when the value is a feature map (has a <see cref="Feature"/> spec): logically NCHW, stored in each backend's own layout.</summary>
    public bool IsFeatureMap => Feature != null;

    /// <summary>The feature map's channels and stride; an error for a value that is not a feature map.</summary>
    public ShapeSpec Spec => Feature ?? throw new InvalidOperationException($"value '{Name}' ({Type.Name()}) is not a feature map");

    /// <summary>The node that writes this value; null for a graph input.</summary>
    public Node? Producer { get; }

    /// <summary>Which of its producer's outputs this value is.</summary>
    public int OutputIndex { get; }

    /// <summary>
    /// For a value whose row count depends on the data: an int32 [N] value, written by the same
    /// node or read by it, that holds per batch item how many leading rows along dimension 1 are results. The
    /// rows after them are filler up to the static bound the plan allocates. Null when every row
    /// is a result.
    /// </summary>
    public Value? ValidCount { get; internal set; }

    /// <summary>
    /// For a value whose dimension 0 holds N images × S slots (the ROI heads' rows, one per
    /// proposal or detection slot): the int32 [N] value counting each image's leading slots in use.
    /// Rows of the other slots are zero. Set on RoiAlign's output and carried through row-wise ops
    /// (<see cref="Ops.Op.IsRowWise"/>); null for every other value.
    /// </summary>
    public Value? SlotCount { get; internal set; }

    /// <summary>The value's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
