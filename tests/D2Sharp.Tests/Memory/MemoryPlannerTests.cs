using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Memory;
using D2Sharp.Modeling;
using D2Sharp.Ops;

namespace D2Sharp.Tests.Memory;

[TestFixture]
public class MemoryPlannerTests
{
    [Test]
    public void BuffersWithDisjointLifetimesShareMemory()
    {
        var plan = MemoryPlanner.Plan([new(0, 100, 0, 1), new(1, 100, 2, 3)], 64);
        Assert.That(plan.Offsets[0], Is.EqualTo(plan.Offsets[1]));
        Assert.That(plan.Size, Is.EqualTo(128), "100 bytes aligned up to 64");
        Assert.That(plan.NaiveSize, Is.EqualTo(256));
    }

    [Test]
    public void OverlappingLifetimesNeverShare()
    {
        var plan = MemoryPlanner.Plan([new(0, 100, 0, 2), new(1, 50, 2, 3), new(2, 30, 3, 4)], 256);
        Assert.That(plan.Offsets[1], Is.Not.EqualTo(plan.Offsets[0]));
        Assert.That(plan.Offsets[2] + 30 <= plan.Offsets[1] || plan.Offsets[1] + 50 <= plan.Offsets[2], Is.True);
        Assert.That(plan.Offsets.Values, Has.All.Matches<long>(o => o % 256 == 0));
    }

    [Test]
    public void AnInPlaceOutputTakesItsInputsBufferWhenNothingReadsTheInputLater()
    {
        // 1 is written at step 2, where 0 is read for the last time: 1 may overwrite 0.
        var merged = MemoryPlanner.Plan([new(0, 100, 0, 2), new(1, 100, 2, 4, InPlaceOf: 0), new(2, 100, 3, 3)], 64);
        Assert.That(merged.Offsets[1], Is.EqualTo(merged.Offsets[0]));
        Assert.That(merged.Offsets[2], Is.Not.EqualTo(merged.Offsets[0]), "2 is alive while the merged pair is");

        // 0 is still read at step 3: 1 must not take it.
        var kept = MemoryPlanner.Plan([new(0, 100, 0, 3), new(1, 100, 2, 4, InPlaceOf: 0)], 64);
        Assert.That(kept.Offsets[1], Is.Not.EqualTo(kept.Offsets[0]));

        // An output larger than its input cannot take it over.
        var larger = MemoryPlanner.Plan([new(0, 100, 0, 2), new(1, 200, 2, 4, InPlaceOf: 0)], 64);
        Assert.That(larger.Offsets[1], Is.Not.EqualTo(larger.Offsets[0]));
    }

    [Test]
    public void AlignmentMustBeAPowerOfTwo()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryPlanner.Plan([new(0, 4, 0, 0)], 48));
    }

    private static ExecutionPlan TinyPlan(int batch, int height, int width)
    {
        var cfg = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml"));
        return ModelBuilder.Build(cfg, ModelScope.Backbone).PlanForImages(batch, height, width);
    }

    private static ArenaLayout Layout(ExecutionPlan plan) =>
        ArenaLayout.Plan(plan, 64, v => plan.ElementsOf(v) * v.Type.SizeOf(), n => n.Op is Conv2d ? 128 : 0);

    /// <summary>
    /// Executes the plan on paper: every step first checks that each input still holds the stamp
    /// its producer wrote, then stamps its scratch and its outputs. A value overwritten while
    /// someone still needs it fails here, whatever rule the planner used.
    /// </summary>
    [Test]
    public void ARealPlanKeepsEveryValueIntactUntilItIsRead()
    {
        var plan = TinyPlan(2, 128, 160);
        var layout = Layout(plan);
        var arena = new int[layout.Arena.Size / 4];
        Span<int> Region(Value v) => arena.AsSpan((int)(layout.OffsetOf(v) / 4), (int)(plan.ElementsOf(v) * v.Type.SizeOf() / 4));
        void Check(Value v, string when)
        {
            if (Region(v).IndexOfAnyExcept(v.Id + 1) >= 0) Assert.Fail($"'{v.Name}' was overwritten before {when}");
        }

        foreach (var v in plan.Inputs) Region(v).Fill(v.Id + 1);
        foreach (var node in plan.Steps)
        {
            foreach (var v in node.Inputs.Where(v => !layout.IsConstant(v))) Check(v, $"'{node.Name}' read it");
            var (offset, bytes) = layout.ScratchOf(node);
            arena.AsSpan((int)(offset / 4), (int)(bytes / 4)).Fill(-node.Id - 1);
            foreach (var v in node.Outputs) Region(v).Fill(v.Id + 1);
        }
        foreach (var (_, v) in plan.Outputs.Where(o => !layout.IsConstant(o.Value))) Check(v, "the run ended");
        foreach (var v in plan.Inputs) Check(v, "the run ended");
    }

    [Test]
    public void ElementwiseOpsWriteInPlaceAndReuseHalvesTheArena()
    {
        var plan = TinyPlan(1, 96, 128);
        var layout = Layout(plan);
        var merges = plan.Steps.Where(n => n.Op is UpsampleAdd).ToList();
        Assert.That(merges, Has.Count.EqualTo(3));
        foreach (var node in merges)
            Assert.That(layout.OffsetOf(node.Output), Is.EqualTo(layout.OffsetOf(node.Inputs[1])), $"{node.Name} writes over its lateral");
        var residuals = plan.Steps.Where(n => n.Op is Conv2d { HasResidual: true }).ToList();
        Assert.That(residuals.Count(n => layout.OffsetOf(n.Output) == layout.OffsetOf(n.Inputs[1])), Is.GreaterThan(0),
            "a fused residual conv writes over the shortcut when nothing else reads it");
        Assert.That(layout.Arena.Size, Is.LessThan(layout.Arena.NaiveSize / 2));
    }

    [Test]
    public void AnchorGridsLiveInThePlanConstantsNotTheArena()
    {
        var plan = TinyPlan(1, 96, 128);
        var layout = Layout(plan);
        var anchors = plan.Outputs.Where(o => o.Key.StartsWith("anchors_")).Select(o => o.Value).ToList();
        Assert.That(anchors, Has.Count.EqualTo(5));
        Assert.That(anchors.All(layout.IsConstant), Is.True);
        Assert.That(layout.ConstantSize, Is.EqualTo(anchors.Sum(a => MemoryPlanner.AlignUp(plan.ElementsOf(a) * 4, 64))));
        Assert.That(plan.Steps.Any(n => n.Op is AnchorGrid), Is.False, "computed once per plan, not per run");
    }

    [Test]
    public unsafe void NativeBuffersAreAlignedZeroedAndReleased()
    {
        var buffer = new NativeBuffer(1000, 256);
        Assert.That((long)buffer.Pointer % 256, Is.Zero);
        Assert.That(new Span<byte>(buffer.Pointer, 1000).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = (long)buffer.Pointer);
    }

    [Test]
    public unsafe void TheArenaGrowsToTheLargestRequestAndNeverShrinks()
    {
        using var arena = new GrowableArena(64);
        arena.Ensure(1000);
        long first = (long)arena.Base;
        arena.Ensure(500);
        Assert.That(((long)arena.Base, arena.Capacity), Is.EqualTo((first, 1000L)), "a smaller plan reuses the arena");
        arena.Ensure(4000);
        long grown = (long)arena.Base;
        arena.Ensure(4000);
        Assert.That(((long)arena.Base, arena.Capacity), Is.EqualTo((grown, 4000L)));
        Assert.That(grown % 64, Is.Zero);
    }
}
