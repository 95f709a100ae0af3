using System.Runtime.InteropServices;
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
    /// <summary>Ints of scratch per candidate: box (4), score, class, kept index, and the NMS workspace.</summary>
    private const int PerCandidate = 7 + BatchedNms.WorkspaceInts;

    public override long ScratchBytes(Node node, ExecutionPlan plan, int workers)
    {
        int levels = ((RetinaNetInference)node.Op).Levels;
        long total = Enumerable.Range(0, levels).Sum(l => (long)plan.ShapeOf(node.Inputs[4 * l])[1]);
        return workers * total * PerCandidate * sizeof(int);
    }

    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (RetinaNetInference)args.Op;
        int capacity = 0;
        for (int l = 0; l < op.Levels; l++) capacity += args.Inputs[4 * l].Shape[1];
        var scratch = args.ScratchOf<int>(worker, PerCandidate * capacity);
        var floats = MemoryMarshal.Cast<int, float>(scratch);
        Span<float> boxes = floats[..(4 * capacity)], scores = floats.Slice(4 * capacity, capacity);
        Span<int> classes = scratch.Slice(5 * capacity, capacity), kept = scratch.Slice(6 * capacity, capacity);
        var work = new BatchedNms.Workspace(scratch[(7 * capacity)..], capacity);

        int count = 0;
        for (int l = 0; l < op.Levels; l++)
        {
            int k = args.Inputs[4 * l].Shape[1], valid = args.Inputs[4 * l + 3].Span<int>()[index];
            var levelBoxes = args.Inputs[4 * l].Span<float>().Slice(index * k * 4, k * 4);
            var levelScores = args.Inputs[4 * l + 1].Span<float>().Slice(index * k, k);
            var levelIndices = args.Inputs[4 * l + 2].Span<long>().Slice(index * k, k);
            for (int r = 0; r < valid; r++, count++)
            {
                levelBoxes.Slice(4 * r, 4).CopyTo(boxes.Slice(4 * count, 4));
                scores[count] = levelScores[r];
                classes[count] = (int)(levelIndices[r] % op.NumClasses);
            }
        }
        int survivors = BatchedNms.Run(boxes, scores, classes, count, op.NmsThreshold, kept, work);

        int d = op.DetectionsPerImage;
        var outBoxes = args.Outputs[0].Span<float>().Slice(index * d * 4, d * 4);
        var outScores = args.Outputs[1].Span<float>().Slice(index * d, d);
        var outClasses = args.Outputs[2].Span<long>().Slice(index * d, d);
        int written = Math.Min(d, survivors);
        for (int r = 0; r < d; r++)
        {
            if (r < written)
            {
                int c = kept[r];
                boxes.Slice(4 * c, 4).CopyTo(outBoxes.Slice(4 * r, 4));
                outScores[r] = scores[c];
                outClasses[r] = classes[c];
            }
            else
            {
                outBoxes.Slice(4 * r, 4).Clear();
                outScores[r] = float.NegativeInfinity;
                outClasses[r] = -1;
            }
        }
        args.Outputs[3].Span<int>()[index] = written;
    }
}
