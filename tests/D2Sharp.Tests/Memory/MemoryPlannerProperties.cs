using CsCheck;
using D2Sharp.Memory;

namespace D2Sharp.Tests.Memory;

/// <summary>
/// The arena planner on random buffer sets (sizes, lifetimes, in-place requests): every buffer is
/// placed aligned inside the arena, and two buffers share bytes only when no step needs both, or
/// when one legitimately takes the other over in place (written by the step that last reads it).
/// </summary>
[TestFixture]
public class MemoryPlannerProperties
{
    private const int Alignment = 64;

    /// <summary>Up to 40 buffers over 30 steps; about a third ask to take over an earlier buffer.</summary>
    private static readonly Gen<BufferRequest[]> SomeRequests =
        Gen.Select(Gen.Int[1, 5000], Gen.Int[0, 29], Gen.Int[0, 6], Gen.Int[0, 99]).Array[1, 40].Select(specs =>
            specs.Select((s, id) =>
            {
                var (bytes, first, span, inPlace) = s;
                // In place of a random earlier buffer: the planner must honour it only when that is sound.
                int of = id > 0 && inPlace < 33 ? inPlace % id : -1;
                return new BufferRequest(id, bytes, first, Math.Min(29, first + span), of);
            }).ToArray());

    [Test]
    public void NoTwoBuffersANeedsStepShareBytes()
    {
        SomeRequests.Sample(requests =>
        {
            var plan = MemoryPlanner.Plan(requests, Alignment);
            var group = InPlaceGroups(requests);
            foreach (var r in requests)
            {
                long offset = plan.Offsets[r.Id];
                if (offset % Alignment != 0 || offset + r.Bytes > plan.Size) return false;
            }
            foreach (var a in requests)
                foreach (var b in requests.Where(b => b.Id > a.Id))
                {
                    bool shareBytes = plan.Offsets[a.Id] < plan.Offsets[b.Id] + b.Bytes && plan.Offsets[b.Id] < plan.Offsets[a.Id] + a.Bytes;
                    bool bothNeeded = a.FirstStep <= b.LastStep && b.FirstStep <= a.LastStep;
                    if (shareBytes && bothNeeded && group[a.Id] != group[b.Id]) return false;
                }
            return plan.Size <= plan.NaiveSize;
        }, iter: 500);
    }

    /// <summary>
    /// Buffers linked by sound in-place requests (B writes where A was, and B's first step is A's
    /// last): the only buffers allowed to overlap in memory while a step needs both.
    /// </summary>
    private static int[] InPlaceGroups(BufferRequest[] requests)
    {
        var group = requests.Select(r => r.Id).ToArray();
        int Find(int id) => group[id] == id ? id : group[id] = Find(group[id]);
        foreach (var b in requests.Where(r => r.InPlaceOf >= 0))
            if (requests[b.InPlaceOf].LastStep == b.FirstStep)
                group[Find(b.Id)] = Find(b.InPlaceOf);
        return requests.Select(r => Find(r.Id)).ToArray();
    }
}
