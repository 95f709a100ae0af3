using System.Globalization;
using System.Net;

namespace D2Sharp.Cluster;

/// <summary>
/// How the silos of a cluster find each other: Orleans' development clustering on one host (every
/// silo is told the primary silo's port on 127.0.0.1, and the cluster lives while the primary does),
/// or a Redis membership table, which any number of hosts share and which outlives every silo.
/// </summary>
public sealed record ClusterMembership
{
    /// <summary>The primary silo's port in development clustering (Orleans' default silo port).</summary>
    public const int DefaultPrimaryPort = 11111;

    private ClusterMembership(string? redis, int primaryPort)
    {
        Redis = redis;
        PrimaryPort = primaryPort;
    }

    /// <summary>The Redis server (<c>host:port</c>) holding the membership table; null for development clustering.</summary>
    public string? Redis { get; }

    /// <summary>In development clustering, the port of the primary silo on 127.0.0.1.</summary>
    public int PrimaryPort { get; }

    /// <summary>Development clustering on this host, the primary silo on 127.0.0.1:<paramref name="primaryPort"/>.</summary>
    public static ClusterMembership Localhost(int primaryPort = DefaultPrimaryPort) => new(null, primaryPort);

    /// <summary>Membership in the Redis server at <paramref name="hostAndPort"/>.</summary>
    public static ClusterMembership InRedis(string hostAndPort) => new(hostAndPort, 0);

    /// <summary>
    /// <c>localhost</c>, <c>localhost:PRIMARY_SILO_PORT</c> or <c>redis://HOST:PORT</c>, as
    /// <c>d2sharp serve --cluster</c> takes it.
    /// </summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static ClusterMembership Parse(string text)
    {
        if (text == "localhost") return Localhost();
        if (text.StartsWith("localhost:", StringComparison.Ordinal))
            return Localhost(Port(text["localhost:".Length..], text));
        if (text.StartsWith("redis://", StringComparison.Ordinal))
        {
            var address = text["redis://".Length..].TrimEnd('/');
            int colon = address.LastIndexOf(':');
            if (colon <= 0) throw new FormatException($"'{text}': the form is redis://HOST:PORT");
            Port(address[(colon + 1)..], text);
            return InRedis(address);
        }
        throw new FormatException($"'{text}' is not a cluster membership: give localhost, localhost:PRIMARY_SILO_PORT or redis://HOST:PORT");
    }

    /// <summary>As <c>--cluster</c> writes it.</summary>
    public override string ToString() => Redis is { } redis ? $"redis://{redis}" : $"localhost:{PrimaryPort}";

    private static int Port(string text, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= IPEndPoint.MaxPort
            ? port : throw new FormatException($"'{whole}': '{text}' is not a port from 1 to {IPEndPoint.MaxPort}");
}
