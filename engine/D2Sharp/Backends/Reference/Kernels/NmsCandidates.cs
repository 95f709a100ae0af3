using System.Runtime.InteropServices;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// The candidates of one image for <see cref="BatchedNms"/>, laid out in one scratch span of
/// <see cref="IntsPerCandidate"/> ints each: box (4 floats), score, id (the level or class NMS
/// keeps apart), the kept index, and NMS's workspace. Shared by RpnProposals, FastRcnnInference
/// and RetinaNetInference.
/// </summary>
internal readonly ref struct NmsCandidates
{
    public const int IntsPerCandidate = 7 + BatchedNms.WorkspaceInts;

    public readonly Span<float> Boxes, Scores;
    public readonly Span<int> Ids, Kept;
    private readonly BatchedNms.Workspace _work;

    public NmsCandidates(Span<int> scratch, int capacity)
    {
        var floats = MemoryMarshal.Cast<int, float>(scratch);
        Boxes = floats[..(4 * capacity)];
        Scores = floats.Slice(4 * capacity, capacity);
        Ids = scratch.Slice(5 * capacity, capacity);
        Kept = scratch.Slice(6 * capacity, capacity);
        _work = new BatchedNms.Workspace(scratch.Slice(7 * capacity, BatchedNms.WorkspaceInts * capacity), capacity);
    }

    public void Set(int i, ReadOnlySpan<float> box, float score, int id)
    {
        box.CopyTo(Boxes.Slice(4 * i, 4));
        Scores[i] = score;
        Ids[i] = id;
    }

    /// <summary>NMS per id over the first <paramref name="count"/> candidates; the survivors' indices go to <see cref="Kept"/> by score. Returns how many.</summary>
    public int Suppress(int count, double threshold) => BatchedNms.Run(Boxes, Scores, Ids, count, threshold, Kept, _work);

    /// <summary>
    /// Fills one image's rows of a bounded output (<paramref name="scores"/>.Length rows): the first
    /// min(rows, <paramref name="survivors"/>) kept candidates by score, then filler rows (zero box,
    /// score −∞, class −1; <paramref name="classes"/> empty when the output has none). Returns how
    /// many candidates were written.
    /// </summary>
    public int WriteRows(int survivors, Span<float> boxes, Span<float> scores, Span<long> classes)
    {
        int rows = scores.Length, written = Math.Min(rows, survivors);
        for (int r = 0; r < rows; r++)
        {
            bool real = r < written;
            int c = real ? Kept[r] : 0;
            if (real) Boxes.Slice(4 * c, 4).CopyTo(boxes.Slice(4 * r, 4));
            else boxes.Slice(4 * r, 4).Clear();
            scores[r] = real ? Scores[c] : float.NegativeInfinity;
            if (!classes.IsEmpty) classes[r] = real ? Ids[c] : -1;
        }
        return written;
    }
}
