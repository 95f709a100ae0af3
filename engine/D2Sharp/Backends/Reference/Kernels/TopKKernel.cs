using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="TopK"/>: per batch item, collect the candidate indices (every score, or those above
/// the threshold), sort them by score descending (NaN first, ties by index), keep the first k and
/// fill the rest with −∞ / −1. A feature map stored NHWC is already in Detectron2's flattened
/// order. Parallel over the batch; the candidate list is per-worker scratch.
/// </summary>
internal sealed class TopKKernel : HostKernel
{
    private static int Length(int[] shape) => (int)(Tensor.CountElements(shape) / shape[0]);

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers) =>
        (long)workers * Length(plan.ShapeOf(node.Inputs[0])) * sizeof(int);

    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[0].Shape[0]);

    public override unsafe void Row(KernelArgs args, int index, int worker)
    {
        var op = (TopK)args.Op;
        int length = Length(args.Inputs[0].Shape);
        int k = args.Outputs[0].Shape[1];
        var scores = args.Inputs[0].Span<float>().Slice(index * length, length);
        var values = args.Outputs[0].Span<float>().Slice(index * k, k);
        var indices = args.Outputs[1].Span<long>().Slice(index * k, k);
        var candidates = args.ScratchOf<int>(worker, length);
        int count = 0;
        for (int i = 0; i < length; i++)
            if (op.ScoreThreshold is not { } threshold || scores[i] > threshold)
                candidates[count++] = i;
        fixed (float* s = scores)
            candidates[..count].Sort(new ByScoreDescending(s));
        int kept = Math.Min(k, count);
        for (int r = 0; r < k; r++)
        {
            values[r] = r < kept ? scores[candidates[r]] : float.NegativeInfinity;
            indices[r] = r < kept ? candidates[r] : -1;
        }
        args.Outputs[2].Span<int>()[index] = kept;
    }

    /// <summary>Higher score first, NaN above every number (as torch.topk), then lower index first.</summary>
    private readonly unsafe struct ByScoreDescending(float* scores) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            float sa = scores[a], sb = scores[b];
            bool nanA = float.IsNaN(sa), nanB = float.IsNaN(sb);
            if (nanA != nanB) return nanA ? -1 : 1;
            if (!nanA && sa != sb) return sa > sb ? -1 : 1;
            return a.CompareTo(b);
        }
    }
}
