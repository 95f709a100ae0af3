using D2Sharp.Serving;
using Orleans;
using Orleans.Concurrency;

namespace D2Sharp.Cluster;

/// <summary>A silo's <see cref="ISiloModelsGrain"/>: reads its models' loads from the silo's <see cref="LocalModelRouter"/>.</summary>
[Reentrant, SiloKeyedPlacement]
internal sealed class SiloModelsGrain(LocalModelRouter models) : Grain, ISiloModelsGrain
{
    public Task<WorkerLoad[]> Report() => Task.FromResult(models.ModelNames.Select(model => Read(models, model)).ToArray());

    /// <summary><paramref name="model"/>'s load on this silo now, as a worker reports it.</summary>
    public static WorkerLoad Read(LocalModelRouter models, string model)
    {
        var load = models.Load(model);
        return new WorkerLoad(model, load.Ready, load.Queued, load.Running, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
