namespace D2Sharp.Imaging;

/// <summary>
/// Detectron2's <c>ImageList</c>: normalised images stacked into one zero-padded float32 NCHW
/// tensor, with each image's size before padding (what postprocessing and anchors clip to).
/// </summary>
public sealed record ImageBatch(Tensor Tensor, IReadOnlyList<(int Height, int Width)> ImageSizes);
