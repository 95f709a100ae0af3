using D2Sharp.Graph;

namespace D2Sharp.Backends.Hybrid;

/// <summary>A graph bound to both backends of a <see cref="HybridBackend"/>; each plan is split when prepared.</summary>
internal sealed class HybridModel(HybridBackend backend, IBoundModel primary, IBoundModel secondary) : IBoundModel
{
    public ModelGraph Graph => primary.Graph;
    public IBackend Backend => backend;
    public IBoundModel Primary => primary;
    public IBoundModel Secondary => secondary;
    public long ArenaBytes => primary.ArenaBytes + secondary.ArenaBytes;

    /// <summary>Each part's arena may grow to this (the GPU's and the CPU's memory are separate).</summary>
    public long ArenaLimit
    {
        get => primary.ArenaLimit;
        set => primary.ArenaLimit = secondary.ArenaLimit = value;
    }

    public IPlanExecutor Prepare(ExecutionPlan plan)
    {
        if (plan.Graph != Graph) throw new ArgumentException("the plan is for a different graph than the bound model's");
        var split = PlanSplit.Of(plan, backend.Primary);
        if (split == null) return primary.Prepare(plan);
        if (split.Primary == null) return secondary.Prepare(plan);
        var primaryPart = primary.Prepare(split.Primary);
        try
        {
            return new HybridExecutor(plan, split, primaryPart, secondary.Prepare(split.Secondary));
        }
        catch
        {
            primaryPart.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        primary.Dispose();
        secondary.Dispose();
    }
}
