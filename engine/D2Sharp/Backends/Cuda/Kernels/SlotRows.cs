using D2Sharp.Graph;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// d2_zero_unused_slots (slot_rows.cu) after a row-wise step on the ROI heads' slots: the rows of
/// the slots past each image's count (read on the device) zeroed, as the host backends leave them.
/// </summary>
internal static class SlotRows
{
    public static void ZeroUnused(CudaStep step)
    {
        int images = step.SlotImages;
        for (int i = 0; i < step.Outputs.Length; i++)
        {
            var shape = step.OutputShapes[i];
            if (shape[0] % images != 0)
                throw new ExecutionException($"node '{step.Node.Name}': {Tensor.ShapeString(shape)} does not hold {images} images' slots");
            var p = new ZeroSlotsParams
            {
                Y = step.Outputs[i], Counts = step.SlotCount, RowElements = Tensor.CountElements(shape) / Math.Max(shape[0], 1),
                Images = images, Slots = shape[0] / images,
            };
            ElementwiseLaunch.Enqueue(step, "slot_rows", "d2_zero_unused_slots", Tensor.CountElements(shape), ref p);
        }
    }
}
