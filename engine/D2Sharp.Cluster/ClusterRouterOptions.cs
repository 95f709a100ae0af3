namespace D2Sharp.Cluster;

/// <summary>How a <see cref="ClusterModelRouter"/> learns the cluster's workers and their loads, and how long it waits for one.</summary>
public sealed record ClusterRouterOptions
{
    /// <summary>
    /// The longest one attempt on a worker may take, queueing included, before it counts as failed
    /// and is retried elsewhere: a silo that stops answering without closing its connections must
    /// not hold a request for Orleans' whole response timeout.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the router reads the cluster's active silos and asks each for its models and their
    /// loads: a joining silo takes work, and a silo's load from other front-ends is seen, after at most this.
    /// </summary>
    public TimeSpan MembershipRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest the router waits for one silo's report of its models and loads; a silo that does
    /// not answer in time keeps the models it reported last, and its last loads age out.
    /// </summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a worker's reported load counts; an older report is dropped and the worker's load is
    /// taken as this router's own requests in flight to it, as if no other front-end used it.
    /// </summary>
    public TimeSpan LoadReportLifetime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker that failed is passed over, unless no other is left.</summary>
    public TimeSpan SuspectFor { get; init; } = TimeSpan.FromSeconds(10);
}
