using D2Sharp.Graph;
using D2Sharp.Weights;

namespace D2Sharp.Backends;

/// <summary>
/// A backend that can bind a graph it runs only part of: the nodes it has kernels for get their
/// weights; a plan is refused at <see cref="IBoundModel.Prepare"/> only if it reaches a node the
/// backend cannot run. What <see cref="Hybrid.HybridBackend"/> asks of its first backend.
/// </summary>
internal interface IPartialBackend : IBackend
{
    IBoundModel BindSupported(ModelGraph graph, ModelWeights weights);
}

internal static class PartialBinding
{
    /// <summary>Throws naming every node of <paramref name="plan"/> that <paramref name="backend"/> has no kernel for.</summary>
    public static void CheckPlan(IBackend backend, ExecutionPlan plan)
    {
        var missing = plan.Steps.Concat(plan.ShapeOnlyNodes).Where(n => !backend.Supports(n.Op, out _))
            .Select(n => $"'{n.Name}' ({n.Op.Kind})").ToList();
        if (missing.Count > 0)
            throw new ExecutionException($"the {backend.Name} backend cannot run {string.Join(", ", missing)}");
    }
}
