using Orleans;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>The key of the worker grain for a model on a silo: <c>MODEL/SILO</c>, the silo as Orleans writes it parsably.</summary>
public static class WorkerKey
{
    /// <summary>The worker of <paramref name="model"/> on <paramref name="silo"/>.</summary>
    public static string For(string model, SiloAddress silo) => $"{model}/{silo.ToParsableString()}";

    /// <summary>The silo a worker key names (model names hold no '/': <see cref="Serving.ServingOptions"/> refuses them).</summary>
    public static SiloAddress Silo(string key)
    {
        int slash = key.IndexOf('/');
        if (slash <= 0) throw new ArgumentException($"worker key '{key}' is not MODEL/SILO", nameof(key));
        return SiloAddress.FromParsableString(key[(slash + 1)..]);
    }

    /// <summary>The model a worker key names.</summary>
    public static string Model(string key) => key[..key.IndexOf('/')];
}
