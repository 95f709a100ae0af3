using Orleans;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>
/// The keys of the grains placed on one silo (<see cref="SiloKeyedPlacement"/>): a worker's
/// <c>MODEL/SILO</c>, and a silo's own <see cref="ISiloModelsGrain"/>'s <c>SILO</c>, the silo as
/// Orleans writes it parsably (which holds no '/').
/// </summary>
public static class WorkerKey
{
    /// <summary>The worker of <paramref name="model"/> on <paramref name="silo"/>.</summary>
    public static string For(string model, SiloAddress silo) => $"{model}/{silo.ToParsableString()}";

    /// <summary>The key of <paramref name="silo"/>'s <see cref="ISiloModelsGrain"/>.</summary>
    public static string ForSilo(SiloAddress silo) => silo.ToParsableString();

    /// <summary>The silo a key names: after the model's '/' (model names hold no '/': <see cref="Serving.ServingOptions"/> refuses them), or the whole key.</summary>
    public static SiloAddress Silo(string key) => SiloAddress.FromParsableString(key[(key.IndexOf('/') + 1)..]);

    /// <summary>The model a worker key names.</summary>
    public static string Model(string key) => key[..key.IndexOf('/')];
}
