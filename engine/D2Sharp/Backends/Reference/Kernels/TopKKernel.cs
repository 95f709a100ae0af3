using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="TopK"/>: per batch item, collect the candidate indices (every score, or those above
/// the threshold) as <see cref="ScoreOrder"/> keys, select the best k (score descending, NaN
/// first, ties by index), sort those and fill the rest with −∞ / −1. A feature map stored NHWC
/// is already in Detectron2's flattened order. Parallel over the batch; the keys are per-worker
/// scratch.
/// </summary>
internal sealed class TopKKernel : HostKernel
{
    private static int Length(int[] shape) => (int)(Tensor.CountElements(shape) / shape[0]);

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        (long)workers * Length(plan.ShapeOf(node.Inputs[0])) * sizeof(ulong);

    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (TopK)args.Op;
        int length = Length(args.Inputs[0].Shape);
        int k = args.Outputs[0].Shape[1];
        var scores = args.Inputs[0].Span<float>().Slice(index * length, length);
        var values = args.Outputs[0].Span<float>().Slice(index * k, k);
        var indices = args.Outputs[1].Span<long>().Slice(index * k, k);
        var keys = args.ScratchOf<ulong>(worker, length);
        int count = 0;
        for (int i = 0; i < length; i++)
            if (op.ScoreThreshold is not { } threshold || scores[i] > threshold)
                keys[count++] = ScoreOrder.Key(scores[i], i);
        int kept = Math.Min(k, count);
        if (kept < count) ScoreOrder.SelectBest(keys[..count], kept);
        keys[..kept].Sort();
        for (int r = 0; r < k; r++)
        {
            int i = r < kept ? ScoreOrder.Index(keys[r]) : -1;
            values[r] = i >= 0 ? scores[i] : float.NegativeInfinity;
            indices[r] = i;
        }
        args.Outputs[2].Span<int>()[index] = kept;
    }
}
