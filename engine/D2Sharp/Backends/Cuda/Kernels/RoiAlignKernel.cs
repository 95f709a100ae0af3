using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// RoiAlign on the device (roi_align.cu): every box pooled from its FPN level in one launch, rows
/// past each image's count zeroed by the kernel itself, which reads the count on the device.
/// </summary>
internal sealed unsafe class RoiAlignKernel : CudaKernel
{
    public override void Prepare(CudaStep step)
    {
        var op = (RoiAlign)step.Op;
        if (op.Levels > RoiAlignParams.MaxLevels)
            throw new ArgumentException($"the cuda RoiAlign pools from at most {RoiAlignParams.MaxLevels} levels, not {op.Levels}");
    }

    public override void Enqueue(CudaStep step)
    {
        var op = (RoiAlign)step.Op;
        var p = Params(op, step.Inputs, step.InputShapes, step.Outputs[0]);
        ElementwiseLaunch.Enqueue(step, "roi_align", "d2_roi_align", (long)p.N * p.P * p.Size * p.Size * p.C, ref p);
    }

    /// <summary>
    /// The launch's parameters from the node's input addresses and shapes (the levels' maps, boxes,
    /// count) and its output's address; the host-emulation tests build theirs here too.
    /// </summary>
    internal static RoiAlignParams Params(RoiAlign op, IReadOnlyList<ulong> inputs, IReadOnlyList<int[]> shapes, ulong y)
    {
        int[] boxes = shapes[op.Levels];
        var p = new RoiAlignParams
        {
            Boxes = inputs[op.Levels], Counts = inputs[op.Levels + 1], Y = y,
            Levels = op.Levels, N = boxes[0], P = boxes[1], C = shapes[0][1],
            Size = op.OutputSize, Sampling = op.SamplingRatio, Aligned = op.Aligned ? 1 : 0,
            CanonicalBoxSize = op.CanonicalBoxSize, CanonicalLevel = op.CanonicalLevel, MinLevel = op.MinLevel,
        };
        for (int l = 0; l < op.Levels; l++)
        {
            p.X[l] = inputs[l];
            p.H[l] = shapes[l][2];
            p.W[l] = shapes[l][3];
            p.Scale[l] = op.Scales[l];
        }
        return p;
    }
}
