namespace D2Sharp.Weights;

/// <summary>
/// What kind of checkpoint a file is and how it names its weights, decided as Detectron2's
/// <c>DetectionCheckpointer._load_file</c> decides it.
/// </summary>
public enum CheckpointFormat
{
    /// <summary>A dict with both <c>"model"</c> and <c>"__author__"</c>: Detectron2 model-zoo format, names as in <c>state_dict</c>.</summary>
    Detectron2,

    /// <summary>Any other <c>.pkl</c>: Caffe2 / Detectron1 / MSRA blobs (at top level or under <c>"blobs"</c>), renamed by Detectron2's C2 rules.</summary>
    Caffe2,

    /// <summary>
    /// A PyTorch zip checkpoint (any name but <c>.pkl</c>): a state dict, or a dict whose <c>"model"</c> is one.
    /// Names as in <c>state_dict</c>, matched with heuristics (suffix matching) as Detectron2 always does for these files.
    /// </summary>
    PyTorch,
}
