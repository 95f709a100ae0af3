using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="RetinaNetInference"/>, one image at a time (parallel over the batch): every level's
/// counted candidates are gathered into the worker's scratch with their class, then
/// <see cref="BatchedNms"/> with the class as the id keeps them and orders them by score.
/// </summary>
internal sealed class RetinaNetInferenceKernel : HostKernel
{
    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        int levels = ((RetinaNetInference)node.Op).Levels;
        long total = Enumerable.Range(0, levels).Sum(l => (long)plan.ShapeOf(node.Inputs[4 * l])[1]);
        return workers * total * NmsCandidates.IntsPerCandidate * sizeof(int);
    }

    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (RetinaNetInference)args.Op;
        int capacity = 0;
        for (int l = 0; l < op.Levels; l++) capacity += args.Inputs[4 * l].Shape[1];
        var candidates = new NmsCandidates(args.ScratchOf<int>(worker, NmsCandidates.IntsPerCandidate * capacity), capacity);

        int count = 0;
        for (int l = 0; l < op.Levels; l++)
        {
            int k = args.Inputs[4 * l].Shape[1], valid = args.Inputs[4 * l + 3].Span<int>()[index];
            var levelBoxes = args.Inputs[4 * l].Span<float>().Slice(index * k * 4, k * 4);
            var levelScores = args.Inputs[4 * l + 1].Span<float>().Slice(index * k, k);
            var levelIndices = args.Inputs[4 * l + 2].Span<long>().Slice(index * k, k);
            for (int r = 0; r < valid; r++)
                candidates.Set(count++, levelBoxes.Slice(4 * r, 4), levelScores[r], (int)(levelIndices[r] % op.NumClasses));
        }
        int survivors = candidates.Suppress(count, op.NmsThreshold);

        int d = op.DetectionsPerImage;
        var outBoxes = args.Outputs[0].Span<float>().Slice(index * d * 4, d * 4);
        var outScores = args.Outputs[1].Span<float>().Slice(index * d, d);
        var outClasses = args.Outputs[2].Span<long>().Slice(index * d, d);
        args.Outputs[3].Span<int>()[index] = candidates.WriteRows(survivors, outBoxes, outScores, outClasses);
    }
}
