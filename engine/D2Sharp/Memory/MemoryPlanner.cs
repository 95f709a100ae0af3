namespace D2Sharp.Memory;

/// <summary>One buffer to place: its size in floats and the steps during which it must stay intact.</summary>
public readonly record struct BufferRequest(int Id, long Size, int FirstStep, int LastStep);

/// <summary>Where each buffer lives in the arena, and how big the arena is (floats).</summary>
public sealed record MemoryPlan(IReadOnlyDictionary<int, long> Offsets, long ArenaSize, long NaiveSize);

/// <summary>
/// Liveness-based arena planning: buffers whose lifetimes overlap never share memory; others may.
/// Greedy by size (largest first), each at the lowest offset that fits among the buffers alive at
/// the same time — the strategy of TFLite's and ONNX Runtime's arena planners. Offsets are
/// aligned to 16 floats (64 bytes) for SIMD loads and coalesced GPU access.
/// </summary>
public static class MemoryPlanner
{
    public const int Alignment = 16;

    public static MemoryPlan Plan(IReadOnlyList<BufferRequest> requests)
    {
        var placed = new List<(BufferRequest Req, long Offset)>();
        var offsets = new Dictionary<int, long>();
        long arena = 0, naive = 0;
        foreach (var r in requests.OrderByDescending(r => r.Size).ThenBy(r => r.FirstStep).ThenBy(r => r.Id))
        {
            if (r.LastStep < r.FirstStep) throw new ArgumentException($"buffer {r.Id} ends (step {r.LastStep}) before it starts (step {r.FirstStep})");
            long size = AlignUp(r.Size);
            naive += size;
            var conflicts = placed
                .Where(p => p.Req.FirstStep <= r.LastStep && r.FirstStep <= p.Req.LastStep)
                .OrderBy(p => p.Offset)
                .ToList();
            long offset = 0;
            foreach (var (other, otherOffset) in conflicts)
            {
                if (offset + size <= otherOffset) break;
                offset = Math.Max(offset, otherOffset + AlignUp(other.Size));
            }
            placed.Add((r, offset));
            offsets[r.Id] = offset;
            arena = Math.Max(arena, offset + size);
        }
        return new MemoryPlan(offsets, arena, naive);
    }

    private static long AlignUp(long n) => (n + Alignment - 1) / Alignment * Alignment;
}
