namespace D2Sharp.Weights;

/// <summary>
/// How a <c>.pkl</c> checkpoint names its weights, decided as Detectron2's
/// <c>DetectionCheckpointer._load_file</c> decides it.
/// </summary>
public enum CheckpointFormat
{
    /// <summary>A dict with both <c>"model"</c> and <c>"__author__"</c>: Detectron2 model-zoo format, names as in <c>state_dict</c>.</summary>
    Detectron2,

    /// <summary>Anything else: Caffe2 / Detectron1 / MSRA blobs (at top level or under <c>"blobs"</c>), renamed by Detectron2's C2 rules.</summary>
    Caffe2,
}
