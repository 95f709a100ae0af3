namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// Ordering candidates by score descending (NaN above every number, as <c>torch.topk</c> and
/// <c>torch.sort</c>; −0 equal to +0), then by lower index, as one <see cref="ulong"/> key per
/// candidate: the score's bits mapped so that a higher score gives a smaller high half, the
/// index in the low half. Sorting the keys ascending gives the order; the keys are unique, so
/// the result does not depend on the sort's stability, and <c>Span&lt;ulong&gt;.Sort()</c> needs
/// no comparer object (a comparer struct would be boxed, and its delegate allocated, per sort).
/// </summary>
internal static class ScoreOrder
{
    public static ulong Key(float score, int index)
    {
        uint ascending;
        if (float.IsNaN(score))
        {
            ascending = uint.MaxValue;
        }
        else
        {
            uint bits = BitConverter.SingleToUInt32Bits(score == 0 ? 0f : score);
            // Negative floats order backwards by their bits: flip them all; positive ones sit above.
            ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        }
        return ((ulong)~ascending << 32) | (uint)index;
    }

    public static int Index(ulong key) => (int)(uint)key;

    /// <summary>
    /// Moves the <paramref name="k"/> smallest keys (the best candidates) to the front, unordered:
    /// a max-heap of the best k so far, so n keys cost O(n log k) instead of a full sort.
    /// </summary>
    public static void SelectBest(Span<ulong> keys, int k)
    {
        var heap = keys[..k];
        for (int i = k / 2 - 1; i >= 0; i--) SiftDown(heap, i);
        for (int i = k; i < keys.Length; i++)
        {
            if (keys[i] >= heap[0]) continue;
            heap[0] = keys[i];
            SiftDown(heap, 0);
        }
    }

    /// <summary>Restores the max-heap below <paramref name="i"/>: no child is larger than its parent.</summary>
    private static void SiftDown(Span<ulong> heap, int i)
    {
        ulong item = heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= heap.Length) break;
            if (child + 1 < heap.Length && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= item) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }
}
