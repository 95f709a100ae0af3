namespace D2Sharp.Cluster;

/// <summary>How a <see cref="ClusterModelRouter"/> finds workers and how long it waits for one.</summary>
public sealed record ClusterRouterOptions
{
    /// <summary>The models every silo serves (each silo of a cluster runs the same <c>d2sharp serve</c> models).</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>
    /// The longest one attempt on a worker may take, queueing included, before it counts as failed
    /// and is retried elsewhere: a silo that stops answering without closing its connections must
    /// not hold a request for Orleans' whole response timeout.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the router reads the cluster's active silos (a joining silo takes work after at most this).</summary>
    public TimeSpan MembershipRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker that failed is passed over, unless no other is left.</summary>
    public TimeSpan SuspectFor { get; init; } = TimeSpan.FromSeconds(10);
}
