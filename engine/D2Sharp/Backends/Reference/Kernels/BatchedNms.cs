using System.Runtime.InteropServices;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// torchvision's <c>batched_nms</c> on the CPU, as Detectron2 calls it: boxes only suppress boxes
/// of the same id (RPN level, or class). Up to 1000 boxes (<c>boxes.numel() &lt;= 4000</c>) it runs
/// one <see cref="Nms"/> over boxes shifted by id · (largest coordinate + 1), in float32 as
/// torchvision does (the shift rounds the coordinates, so IoUs can differ from the unshifted ones
/// in the last bits); above that, one NMS per id on the boxes as they are. Either way the kept
/// candidates come out by score descending, equal scores by lower index.
/// </summary>
internal static class BatchedNms
{
    /// <summary>Ints of scratch a <see cref="Workspace"/> needs per candidate.</summary>
    public const int WorkspaceInts = 10;

    /// <summary>The coordinate-offset path is taken up to this many boxes (torchvision's CPU rule).</summary>
    public const int CoordinateTrickMaxBoxes = 1000;

    /// <summary>
    /// Runs NMS over the first <paramref name="count"/> candidates: boxes (x1, y1, x2, y2 each),
    /// scores and ids. Writes the kept candidates' indices, best first, to <paramref name="kept"/>
    /// and returns how many there are.
    /// </summary>
    public static int Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> ids, int count, double threshold,
        Span<int> kept, Workspace work)
    {
        if (count == 0) return 0;
        return count <= CoordinateTrickMaxBoxes
            ? CoordinateTrick(boxes, scores, ids, count, threshold, kept, work)
            : PerId(boxes, scores, ids, count, threshold, kept, work);
    }

    private static int CoordinateTrick(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> ids, int count, double threshold,
        Span<int> kept, Workspace work)
    {
        float max = float.NegativeInfinity;
        foreach (float v in boxes[..(4 * count)]) max = MathF.Max(max, v);
        var shifted = work.Boxes;
        for (int i = 0; i < count; i++)
        {
            float offset = ids[i] * (max + 1f);
            for (int c = 0; c < 4; c++) shifted[4 * i + c] = boxes[4 * i + c] + offset;
        }
        return Nms.Run(shifted, scores, 0, count, threshold, kept, work.Keys, work.Suppressed);
    }

    private static int PerId(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> ids, int count, double threshold,
        Span<int> kept, Workspace work)
    {
        // Candidates grouped by id (ascending, as torch.unique), each group in index order, copied contiguously.
        var keys = work.Keys[..count];
        for (int i = 0; i < count; i++) keys[i] = ((ulong)(uint)ids[i] << 32) | (uint)i;
        keys.Sort();
        for (int j = 0; j < count; j++)
        {
            int i = (int)(uint)keys[j];
            work.Origin[j] = i;
            work.GroupIds[j] = ids[i];
            boxes.Slice(4 * i, 4).CopyTo(work.Boxes.Slice(4 * j, 4));
            work.Scores[j] = scores[i];
        }
        int total = 0;
        for (int start = 0; start < count;)
        {
            int end = start;
            while (end < count && work.GroupIds[end] == work.GroupIds[start]) end++;
            total += Nms.Run(work.Boxes, work.Scores, start, end, threshold, kept[total..], work.Keys, work.Suppressed);
            start = end;
        }
        // Every group's survivors by score.
        for (int k = 0; k < total; k++)
        {
            int i = work.Origin[kept[k]];
            keys[k] = ScoreOrder.Key(scores[i], i);
        }
        keys[..total].Sort();
        for (int k = 0; k < total; k++) kept[k] = ScoreOrder.Index(keys[k]);
        return total;
    }

    /// <summary>Scratch for <see cref="Run"/>: <see cref="WorkspaceInts"/> ints per candidate, sliced from one span.</summary>
    public readonly ref struct Workspace
    {
        public readonly Span<ulong> Keys;
        public readonly Span<float> Boxes, Scores;
        public readonly Span<int> Origin, GroupIds;
        public readonly Span<bool> Suppressed;

        public Workspace(Span<int> scratch, int capacity)
        {
            Keys = MemoryMarshal.Cast<int, ulong>(scratch[..(2 * capacity)]);
            var floats = MemoryMarshal.Cast<int, float>(scratch);
            Boxes = floats.Slice(2 * capacity, 4 * capacity);
            Scores = floats.Slice(6 * capacity, capacity);
            Origin = scratch.Slice(7 * capacity, capacity);
            GroupIds = scratch.Slice(8 * capacity, capacity);
            Suppressed = MemoryMarshal.Cast<int, bool>(scratch.Slice(9 * capacity, capacity))[..capacity];
        }
    }
}
