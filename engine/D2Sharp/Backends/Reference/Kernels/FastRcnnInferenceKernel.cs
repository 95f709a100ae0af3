using System.Runtime.InteropServices;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="FastRcnnInference"/>, one image at a time (parallel over the batch): each proposal's
/// softmax and class boxes are computed into the worker's scratch, its (class, box, score)
/// candidates above the threshold appended in proposal-major order, then
/// <see cref="BatchedNms"/> with the class as the id keeps them and orders them by score.
/// </summary>
internal sealed class FastRcnnInferenceKernel : HostKernel
{
    /// <summary>
    /// Every (proposal, class) pair may pass a threshold of 0, so the scratch holds P·K candidates,
    /// plus one proposal's probabilities (and one stage's, when stages are averaged) and boxes.
    /// </summary>
    private static (int Candidates, int RowFloats) Sizes(FastRcnnInference op, int proposals) =>
        (proposals * op.NumClasses, 2 * (op.NumClasses + 1) + 4 * op.NumClasses);

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        var op = (FastRcnnInference)node.Op;
        var (candidates, rowFloats) = Sizes(op, plan.ShapeOf(node.Inputs[op.Stages + 1])[1]);
        return workers * ((long)candidates * NmsCandidates.IntsPerCandidate + rowFloats) * sizeof(int);
    }

    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[((FastRcnnInference)args.Op).Stages + 1].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (FastRcnnInference)args.Op;
        int k = op.NumClasses, s = op.Stages, perImage = args.Inputs[s + 1].Shape[1];
        var (capacity, rowFloats) = Sizes(op, perImage);
        var scratch = args.ScratchOf<int>(worker, capacity * NmsCandidates.IntsPerCandidate + rowFloats);
        var candidates = new NmsCandidates(scratch, capacity);
        var rowFloatsSpan = MemoryMarshal.Cast<int, float>(scratch[(capacity * NmsCandidates.IntsPerCandidate)..]);
        var probs = rowFloatsSpan[..(k + 1)];
        var stageProbs = rowFloatsSpan.Slice(k + 1, k + 1);
        var rowBoxes = rowFloatsSpan.Slice(2 * (k + 1), 4 * k);
        var sizes = args.Inputs[s + 3].Span<int>();
        float height = sizes[2 * index], width = sizes[2 * index + 1];
        int boxesPerRow = op.ClassAgnostic ? 1 : k;

        int count = 0;
        int proposals = args.Inputs[s + 2].Span<int>()[index];
        for (int r = 0; r < proposals; r++)
        {
            int row = index * perImage + r;
            Softmax(args.Inputs[0].Span<float>().Slice(row * (k + 1), k + 1), probs);
            if (s > 1)
            {
                // Cascade: the stages' probabilities summed in stage order, then times 1/S.
                for (int stage = 1; stage < s; stage++)
                {
                    Softmax(args.Inputs[stage].Span<float>().Slice(row * (k + 1), k + 1), stageProbs);
                    for (int j = 0; j <= k; j++) probs[j] += stageProbs[j];
                }
                float mean = (float)(1.0 / s);
                for (int j = 0; j <= k; j++) probs[j] *= mean;
            }
            var proposal = args.Inputs[s + 1].Span<float>().Slice(row * 4, 4);
            var deltas = args.Inputs[s].Span<float>().Slice(row * 4 * boxesPerRow, 4 * boxesPerRow);
            bool finite = true;
            for (int j = 0; j < boxesPerRow; j++)
            {
                var box = rowBoxes.Slice(4 * j, 4);
                Box2BoxTransform.Apply(proposal, deltas.Slice(4 * j, 4), op.Weights, op.ScaleClamp, box);
                finite &= float.IsFinite(box[0]) && float.IsFinite(box[1]) && float.IsFinite(box[2]) && float.IsFinite(box[3]);
            }
            foreach (float p in probs) finite &= float.IsFinite(p);
            if (!finite) continue;
            for (int j = 0; j < boxesPerRow; j++)
            {
                var box = rowBoxes.Slice(4 * j, 4);
                box[0] = Math.Clamp(box[0], 0f, width);
                box[1] = Math.Clamp(box[1], 0f, height);
                box[2] = Math.Clamp(box[2], 0f, width);
                box[3] = Math.Clamp(box[3], 0f, height);
            }
            for (int j = 0; j < k; j++)
                if (probs[j] > op.ScoreThreshold)
                    candidates.Set(count++, rowBoxes.Slice(4 * (op.ClassAgnostic ? 0 : j), 4), probs[j], j);
        }

        int kept = candidates.Suppress(count, op.NmsThreshold);

        int d = op.DetectionsPerImage;
        var outBoxes = args.Outputs[0].Span<float>().Slice(index * d * 4, d * 4);
        var outScores = args.Outputs[1].Span<float>().Slice(index * d, d);
        var outClasses = args.Outputs[2].Span<long>().Slice(index * d, d);
        args.Outputs[3].Span<int>()[index] = candidates.WriteRows(kept, outBoxes, outScores, outClasses);
    }

    /// <summary>torch's softmax on the CPU: exp(x − max), then times 1 / Σ.</summary>
    private static void Softmax(ReadOnlySpan<float> logits, Span<float> probs)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits) max = MathF.Max(max, v);
        float sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += probs[i] = MathF.Exp(logits[i] - max);
        float inverse = 1 / sum;
        for (int i = 0; i < probs.Length; i++) probs[i] *= inverse;
    }
}
