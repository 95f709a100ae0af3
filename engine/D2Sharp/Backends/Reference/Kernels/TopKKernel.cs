using System.Numerics;
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
        if (op.Sigmoid)
        {
            float below = SigmoidFloor(op);
            var floor = new Vector<float>(below);
            for (int start = 0; start < length; start += Vector<float>.Count)
            {
                // Most of RetinaNet's 10⁷ logits are far below the threshold: skip them a vector at a time.
                if (start + Vector<float>.Count <= length)
                {
                    var v = new Vector<float>(scores[start..]);
                    if (!Vector.GreaterThanAny(v, floor) && Vector.EqualsAll(v, v)) continue;
                }
                for (int i = start; i < Math.Min(length, start + Vector<float>.Count); i++)
                {
                    if (!(scores[i] > below) && !float.IsNaN(scores[i])) continue;
                    float p = Probability(scores[i]);
                    if (op.ScoreThreshold is not { } threshold || p > threshold) keys[count++] = ScoreOrder.Key(p, i);
                }
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
                if (op.ScoreThreshold is not { } threshold || scores[i] > threshold)
                    keys[count++] = ScoreOrder.Key(scores[i], i);
        }
        int kept = Math.Min(k, count);
        if (kept < count) ScoreOrder.SelectBest(keys[..count], kept);
        keys[..kept].Sort();
        for (int r = 0; r < k; r++)
        {
            int i = r < kept ? ScoreOrder.Index(keys[r]) : -1;
            values[r] = i < 0 ? float.NegativeInfinity : op.Sigmoid ? Probability(scores[i]) : scores[i];
            indices[r] = i;
        }
        args.Outputs[2].Span<int>()[index] = kept;
    }

    /// <summary>
    /// With <see cref="TopK.Sigmoid"/>, the logit at or below which no score can pass the threshold
    /// (−∞ without one): only logits near or above the threshold's logit are given a sigmoid. The
    /// CUDA kernel (top_k.cu) skips the same logits.
    /// </summary>
    internal static float SigmoidFloor(TopK op) =>
        op.ScoreThreshold is { } t && t > 0 && t < 1 ? MathF.Log(t / (1 - t)) - 1e-3f : float.NegativeInfinity;

    /// <summary>torch.sigmoid in float32: 1 / (1 + e^−x).</summary>
    private static float Probability(float logit) => 1f / (1f + MathF.Exp(-logit));
}
