using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace D2Sharp.Cluster;

/// <summary>
/// Places a worker grain (or a silo's <see cref="ISiloModelsGrain"/>) on the silo its key names, and
/// nowhere else: a worker is its silo's models, so when that silo is gone the call fails (and the
/// router retries on another worker) instead of the grain quietly moving to a silo that already has
/// a worker for the model, or that may not hold the model at all.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SiloKeyedPlacement : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="SiloKeyedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyedPlacementAttribute() : PlacementAttribute(new SiloKeyedPlacement());

internal sealed class SiloKeyedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silo = WorkerKey.Silo(target.GrainIdentity.Key.ToString()!);
        return context.GetCompatibleSilos(target).Contains(silo)
            ? Task.FromResult(silo)
            : throw new SiloUnavailableException($"grain {target.GrainIdentity.Key}: its silo is not an active member of the cluster");
    }
}
