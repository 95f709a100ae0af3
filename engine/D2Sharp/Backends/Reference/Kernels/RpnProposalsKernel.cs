using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="RpnProposals"/>, one image at a time (parallel over the batch): the candidates are
/// gathered, filtered and clipped into the worker's scratch, then <see cref="BatchedNms"/> with
/// the level as the id keeps them per level and orders the survivors by logit.
/// </summary>
internal sealed class RpnProposalsKernel : HostKernel
{
    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        int levels = ((RpnProposals)node.Op).Levels;
        long total = Enumerable.Range(0, levels).Sum(l => (long)plan.ShapeOf(node.Inputs[2 * l])[1]);
        return workers * total * NmsCandidates.IntsPerCandidate * sizeof(int);
    }

    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (RpnProposals)args.Op;
        int total = 0;
        for (int l = 0; l < op.Levels; l++) total += args.Inputs[2 * l].Shape[1];
        var candidates = new NmsCandidates(args.ScratchOf<int>(worker, NmsCandidates.IntsPerCandidate * total), total);
        var sizes = args.Inputs[2 * op.Levels].Span<int>();
        float height = sizes[2 * index], width = sizes[2 * index + 1];

        int count = 0;
        for (int l = 0; l < op.Levels; l++)
        {
            int k = args.Inputs[2 * l].Shape[1];
            var boxes = args.Inputs[2 * l].Span<float>().Slice(index * k * 4, k * 4);
            var logits = args.Inputs[2 * l + 1].Span<float>().Slice(index * k, k);
            for (int r = 0; r < k; r++)
            {
                var box = boxes.Slice(4 * r, 4);
                if (!float.IsFinite(logits[r]) || !float.IsFinite(box[0]) || !float.IsFinite(box[1]) || !float.IsFinite(box[2]) || !float.IsFinite(box[3]))
                    continue;
                float x1 = Math.Clamp(box[0], 0f, width), y1 = Math.Clamp(box[1], 0f, height);
                float x2 = Math.Clamp(box[2], 0f, width), y2 = Math.Clamp(box[3], 0f, height);
                if (!(x2 - x1 > op.MinSize && y2 - y1 > op.MinSize)) continue;
                candidates.Set(count++, [x1, y1, x2, y2], logits[r], l);
            }
        }

        // NMS per level; the survivors of every level come out by logit.
        int kept = candidates.Suppress(count, op.NmsThreshold);

        int p = args.Outputs[0].Shape[1];
        var outBoxes = args.Outputs[0].Span<float>().Slice(index * p * 4, p * 4);
        var outLogits = args.Outputs[1].Span<float>().Slice(index * p, p);
        args.Outputs[2].Span<int>()[index] = candidates.WriteRows(kept, outBoxes, outLogits, []);
    }
}
