namespace D2Sharp.Weights;

/// <summary>
/// A model parameter whose checkpoint entry has another shape; the entry is not loaded
/// (Detectron2 logs it and skips it, leaving the parameter at its initial value).
/// </summary>
public sealed record ShapeMismatch(string Parameter, string CheckpointKey, int[] Expected, int[] Found)
{
    /// <summary>One line naming the parameter (and the checkpoint key when it differs) with both shapes, as the loading summary lists it.</summary>
    public override string ToString() =>
        Parameter == CheckpointKey
            ? $"{Parameter}: model expects {Tensor.ShapeString(Expected)}, checkpoint has {Tensor.ShapeString(Found)}"
            : $"{Parameter} (checkpoint key '{CheckpointKey}'): model expects {Tensor.ShapeString(Expected)}, checkpoint has {Tensor.ShapeString(Found)}";
}
