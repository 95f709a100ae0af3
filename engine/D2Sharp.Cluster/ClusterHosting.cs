using System.Net;
using System.Net.Sockets;
using D2Sharp.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace D2Sharp.Cluster;

/// <summary>Where a silo listens: its port for other silos and its gateway port for clients; 0 picks a free one.</summary>
/// <param name="Address">The address to listen on; 0.0.0.0 or :: listens on every interface and advertises the host's address.</param>
/// <param name="SiloPort">The port other silos connect to.</param>
/// <param name="GatewayPort">The port Orleans clients connect to.</param>
public sealed record SiloEndpoints(IPAddress Address, int SiloPort, int GatewayPort);

/// <summary>Makes a serving host a silo of a cluster, and a silo a host of worker grains.</summary>
public static class ClusterHosting
{
    /// <summary>The Orleans cluster and service id of every D2Sharp cluster (one cluster per membership table or primary silo).</summary>
    public const string ClusterId = "d2sharp";

    /// <summary>
    /// Makes <paramref name="builder"/> (a <see cref="ServingHost"/>'s, which has registered its
    /// <see cref="LocalModelRouter"/>) a silo of the cluster with workers for its models, which it
    /// advertises to every router of the cluster, and registers a <see cref="ClusterModelRouter"/>
    /// as the <see cref="IModelRouter"/> the API calls.
    /// </summary>
    public static void AddClusterSilo(IHostApplicationBuilder builder, ClusterMembership membership, SiloEndpoints endpoints)
    {
        builder.UseOrleans(silo => ConfigureSilo(silo, membership, endpoints));
        builder.Services.AddSingleton(provider => new ClusterModelRouter(provider.GetRequiredService<IGrainFactory>(),
            new ClusterRouterOptions(), provider.GetRequiredService<LocalModelRouter>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("D2Sharp.Cluster")));
        // Registered after the local router: the API's services get the last registration.
        builder.Services.AddSingleton<IModelRouter>(provider => provider.GetRequiredService<ClusterModelRouter>());
    }


    /// <summary>The silo's membership and endpoints, and its worker grains' placement.</summary>
    public static void ConfigureSilo(ISiloBuilder silo, ClusterMembership membership, SiloEndpoints endpoints)
    {
        int siloPort = endpoints.SiloPort == 0 ? FreePort(endpoints.Address) : endpoints.SiloPort;
        int gatewayPort = endpoints.GatewayPort == 0 ? FreePort(endpoints.Address) : endpoints.GatewayPort;
        if (membership.Redis is { } redis)
        {
            silo.UseRedisClustering(redis);
            silo.Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (ClusterId, ClusterId));
            bool everywhere = endpoints.Address.Equals(IPAddress.Any) || endpoints.Address.Equals(IPAddress.IPv6Any);
            if (everywhere) silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
            else silo.ConfigureEndpoints(endpoints.Address, siloPort, gatewayPort);
        }
        else
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, membership.PrimaryPort), ClusterId, ClusterId);
        }
        AddDetectorWorkers(silo);
    }

    /// <summary>
    /// What a silo needs to host worker grains and advertise its models besides the models
    /// themselves (<see cref="ServingHost.AddLocalModels"/>): their placement.
    /// </summary>
    public static void AddDetectorWorkers(ISiloBuilder silo) =>
        silo.Services.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();

    /// <summary>
    /// A port free now on <paramref name="address"/>: Orleans advertises its silo's port in the
    /// membership, so it needs the number before it listens (a race with another process taking it
    /// in between is possible but fails the start loudly).
    /// </summary>
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
