using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// BoxDecode on the device (box_decode.cu): the RPN's and RetinaNet's selected anchors moved by
/// their deltas right after the top-k, so the deltas maps stay on the GPU and only the k boxes
/// cross to the CPU's NMS.
/// </summary>
internal sealed unsafe class BoxDecodeKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        var p = Params((BoxDecode)step.Op, step.InputShapes[0], step.InputShapes[2], step.Inputs, step.Outputs[0]);
        ElementwiseLaunch.Enqueue(step, "box_decode", "d2_box_decode", (long)p.N * p.K, ref p);
    }

    /// <summary>The launch's parameters from the deltas' logical shape [N, 4A, H, W], the indices' [N, k], the input addresses (deltas, anchors, indices) and the output's; the host-emulation tests build theirs here too.</summary>
    internal static BoxDecodeParams Params(BoxDecode op, int[] deltas, int[] indices, IReadOnlyList<ulong> inputs, ulong y)
    {
        var p = new BoxDecodeParams
        {
            Deltas = inputs[0], Anchors = inputs[1], Indices = inputs[2], Y = y,
            ScaleClamp = op.ScaleClamp, N = indices[0], K = indices[1], Hw = deltas[2] * deltas[3], C = deltas[1],
            ClassesPerAnchor = op.ClassesPerAnchor,
        };
        for (int i = 0; i < 4; i++) p.Weights[i] = op.Weights[i];
        return p;
    }
}
