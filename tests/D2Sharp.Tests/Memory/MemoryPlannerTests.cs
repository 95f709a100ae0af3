using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Modeling;

namespace D2Sharp.Tests.Memory;

[TestFixture]
public class MemoryPlannerTests
{
    [Test]
    public void BuffersWithDisjointLifetimesShareMemory()
    {
        var plan = MemoryPlanner.Plan([new(0, 100, 0, 1), new(1, 100, 2, 3)]);
        Assert.That(plan.Offsets[0], Is.EqualTo(plan.Offsets[1]));
        Assert.That(plan.ArenaSize, Is.EqualTo(112), "100 floats aligned up to 16");
    }

    [Test]
    public void OverlappingLifetimesNeverShare()
    {
        var plan = MemoryPlanner.Plan([new(0, 100, 0, 2), new(1, 50, 2, 3), new(2, 30, 3, 4)]);
        Assert.That(plan.Offsets[1], Is.Not.EqualTo(plan.Offsets[0]));
        Assert.That(plan.Offsets[2] + 30 <= plan.Offsets[1] || plan.Offsets[1] + 50 <= plan.Offsets[2], Is.True);
        Assert.That(plan.Offsets.Values, Has.All.Matches<long>(o => o % MemoryPlanner.Alignment == 0));
    }

    [Test]
    public void RealGraphPlanHasNoLiveOverlapAndReusesMemory()
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"));
        var graph = ModelBuilder.Build(cfg).Graph;
        var plan = ExecutionPlan.Create(graph, 2, 128, 160);
        int end = graph.Nodes.Count;
        (int First, int Last) Life(Value v)
        {
            int first = v.Producer?.Id ?? -1;
            int last = graph.Nodes.Where(n => n.Inputs.Contains(v)).Select(n => n.Id).DefaultIfEmpty(first).Max();
            if (graph.Outputs.Any(o => o.Value == v)) last = end;
            return (first, last);
        }
        var lives = graph.Values.ToDictionary(v => v, Life);
        foreach (var a in graph.Values)
            foreach (var b in graph.Values.Where(b => b.Id > a.Id))
            {
                bool timeOverlap = lives[a].First <= lives[b].Last && lives[b].First <= lives[a].Last;
                long a0 = plan.OffsetOf(a), a1 = a0 + plan.SizeOf(a), b0 = plan.OffsetOf(b), b1 = b0 + plan.SizeOf(b);
                bool spaceOverlap = a0 < b1 && b0 < a1;
                Assert.That(timeOverlap && spaceOverlap, Is.False, $"{a.Name} and {b.Name} share memory while both alive");
            }
        Assert.That(plan.Memory.ArenaSize, Is.LessThan(plan.Memory.NaiveSize / 2), "liveness should at least halve the memory");
    }
}
