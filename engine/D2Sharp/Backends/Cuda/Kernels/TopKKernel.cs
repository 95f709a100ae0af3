using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// TopK on the device (top_k.cu): the RPN's per-level pre-NMS selection right after the RPN head,
/// so only the k best logits and their indices cross to the CPU's proposal step instead of every
/// level's full map; and RetinaNet's sigmoid + threshold + top-k. The selected keys live in the
/// node's scratch ([N, k] of 64-bit keys), so a run allocates nothing.
/// </summary>
internal sealed class TopKKernel : CudaKernel
{
    public override void Prepare(CudaStep step)
    {
        int[] values = step.OutputShapes[0];
        step.ScratchBytes = (long)values[0] * values[1] * sizeof(ulong);
    }

    public override void Enqueue(CudaStep step)
    {
        var p = Params((TopK)step.Op, step.InputShapes[0], step.OutputShapes[0][1], step.Inputs[0], step.Outputs, step.Scratch);
        if (p.N == 0 || p.K == 0) return;
        var device = step.Device;
        var (grid, block) = LaunchShapes.TopKSelect(p.N);
        device.Launch(device.Function("top_k", "d2_top_k_select"), (grid, 1, 1), (block, 1, 1), ref p, step.Node.Name);
        var order = LaunchShapes.TopKOrder(p.N, p.K);
        device.Launch(device.Function("top_k", "d2_top_k_order"), order.Grid, order.Block, ref p, step.Node.Name);
    }

    /// <summary>
    /// The launches' parameters for scores of logical shape <paramref name="scores"/> and k output
    /// columns, from the input's, the outputs' (values, indices, count) and the scratch's addresses;
    /// the host-emulation tests build theirs here too.
    /// </summary>
    internal static TopKParams Params(TopK op, int[] scores, int k, ulong input, IReadOnlyList<ulong> outputs, ulong selected) => new()
    {
        Scores = input, Values = outputs[0], Indices = outputs[1], Count = outputs[2], Selected = selected,
        N = scores[0], Length = (int)(Tensor.CountElements(scores) / Math.Max(scores[0], 1)), K = k,
        Sigmoid = op.Sigmoid ? 1 : 0, HasThreshold = op.ScoreThreshold.HasValue ? 1 : 0, Threshold = op.ScoreThreshold ?? 0,
        Floor = op.Sigmoid ? Reference.Kernels.TopKKernel.SigmoidFloor(op) : float.NegativeInfinity,
    };
}
