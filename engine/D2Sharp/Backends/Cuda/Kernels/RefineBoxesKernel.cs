using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// RefineBoxes on the device (refine_boxes.cu): a Cascade R-CNN stage's decoded, clipped boxes for
/// the next stage's pooling, so the stages run in one GPU segment instead of crossing to the CPU
/// and back between them. Rows past each image's count are zeroed by the kernel, which reads the
/// count on the device.
/// </summary>
internal sealed unsafe class RefineBoxesKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        var p = Params((RefineBoxes)step.Op, step.Inputs, step.InputShapes[1], step.Outputs[0]);
        ElementwiseLaunch.Enqueue(step, "refine_boxes", "d2_refine_boxes", (long)p.N * p.P, ref p);
    }

    /// <summary>The launch's parameters from the node's input addresses (deltas, boxes, count, image sizes), the boxes' shape [N, P, 4] and the output's address; the host-emulation tests build theirs here too.</summary>
    internal static RefineBoxesParams Params(RefineBoxes op, IReadOnlyList<ulong> inputs, int[] boxes, ulong y)
    {
        var p = new RefineBoxesParams
        {
            Deltas = inputs[0], Boxes = inputs[1], Counts = inputs[2], Sizes = inputs[3], Y = y,
            ScaleClamp = op.ScaleClamp, N = boxes[0], P = boxes[1],
        };
        for (int i = 0; i < 4; i++) p.Weights[i] = op.Weights[i];
        return p;
    }
}
