namespace D2Sharp.Memory;

/// <summary>
/// One buffer to place: its size in bytes, the steps during which it must stay intact, and
/// optionally the buffer it may take over in place (<see cref="InPlaceOf"/>, −1 for none).
/// </summary>
public readonly record struct BufferRequest(int Id, long Bytes, int FirstStep, int LastStep, int InPlaceOf = -1);

/// <summary>Where each buffer lives (byte offsets), how big the arena is, and how big it would be without reuse.</summary>
public sealed record MemoryPlan(IReadOnlyDictionary<int, long> Offsets, long Size, long NaiveSize, int Alignment);

/// <summary>
/// Liveness-based arena planning, called by each backend with its own byte sizes and alignment
/// (64 B on the CPU, 256 B on a GPU). First, a buffer that may overwrite another in place takes
/// that buffer's memory when the other is last read by the very step that writes it (ReLU, Add,
/// the FPN merge, a fused residual). Then buffers are placed greedily by size, largest first,
/// each at the lowest offset that fits among the buffers alive at the same time — the strategy of
/// TFLite's and ONNX Runtime's arena planners. Buffers whose lifetimes overlap never share memory.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Places <paramref name="requests"/> in one arena; every offset and the size are multiples of <paramref name="alignment"/>.</summary>
    /// <param name="requests">The buffers, each with a distinct <see cref="BufferRequest.Id"/>.</param>
    /// <param name="alignment">Byte alignment of every buffer, a power of two.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alignment"/> is not a positive power of two.</exception>
    /// <exception cref="ArgumentException">A request has a negative size, ends before it starts, or repeats an id.</exception>
    public static MemoryPlan Plan(IReadOnlyList<BufferRequest> requests, int alignment)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a power of two");
        var groups = MergeInPlace(requests);
        var placed = new List<(Group Group, long Offset)>();
        long size = 0;
        foreach (var g in groups.OrderByDescending(g => g.Bytes).ThenBy(g => g.First).ThenBy(g => g.Members[0]))
        {
            long bytes = AlignUp(g.Bytes, alignment);
            long offset = 0;
            foreach (var (other, otherOffset) in placed
                .Where(p => p.Group.First <= g.Last && g.First <= p.Group.Last)
                .OrderBy(p => p.Offset))
            {
                if (offset + bytes <= otherOffset) break;
                offset = Math.Max(offset, otherOffset + AlignUp(other.Bytes, alignment));
            }
            placed.Add((g, offset));
            size = Math.Max(size, offset + bytes);
        }
        var offsets = new Dictionary<int, long>();
        foreach (var (g, offset) in placed)
            foreach (int id in g.Members) offsets[id] = offset;
        long naive = requests.Sum(r => AlignUp(r.Bytes, alignment));
        return new MemoryPlan(offsets, size, naive, alignment);
    }

    /// <summary><paramref name="n"/> rounded up to a multiple of <paramref name="alignment"/> (which must be positive).</summary>
    public static long AlignUp(long n, long alignment) => (n + alignment - 1) / alignment * alignment;

    /// <summary>Buffers that share one memory range: a buffer, then each in-place successor in turn.</summary>
    private sealed class Group(BufferRequest first)
    {
        public readonly List<int> Members = [first.Id];
        public long Bytes = first.Bytes;
        public int First = first.FirstStep, Last = first.LastStep;
        /// <summary>The member written last: only it can hand the memory on.</summary>
        public int Tail = first.Id;
    }

    private static List<Group> MergeInPlace(IReadOnlyList<BufferRequest> requests)
    {
        var byId = new Dictionary<int, Group>();
        var groups = new List<Group>();
        foreach (var r in requests.OrderBy(r => r.FirstStep))
        {
            if (r.LastStep < r.FirstStep) throw new ArgumentException($"buffer {r.Id} ends (step {r.LastStep}) before it starts (step {r.FirstStep})");
            if (r.Bytes < 0) throw new ArgumentException($"buffer {r.Id} has a negative size");
            if (!byId.TryAdd(r.Id, null!)) throw new ArgumentException($"buffer {r.Id} is requested twice");
            if (r.InPlaceOf >= 0 && byId.TryGetValue(r.InPlaceOf, out var host) && host != null
                && host.Tail == r.InPlaceOf && host.Last == r.FirstStep && r.Bytes <= host.Bytes)
            {
                host.Members.Add(r.Id);
                host.Last = r.LastStep;
                host.Tail = r.Id;
                byId[r.Id] = host;
                continue;
            }
            var g = new Group(r);
            groups.Add(g);
            byId[r.Id] = g;
        }
        return groups;
    }
}
