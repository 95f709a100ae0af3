using Orleans;

namespace D2Sharp.Cluster;

/// <summary>
/// What one silo serves, keyed by the silo (<see cref="WorkerKey.ForSilo"/>) and placed on it: the
/// models its <see cref="Serving.LocalModelRouter"/> holds, each with its load. Every router asks
/// every active silo for this once per <see cref="ClusterRouterOptions.MembershipRefresh"/>, so
/// silos of one cluster may serve different models.
/// </summary>
public interface ISiloModelsGrain : IGrainWithStringKey
{
    /// <summary>Each model the silo holds, ready or still loading, with its load now.</summary>
    Task<WorkerLoad[]> Report();
}
