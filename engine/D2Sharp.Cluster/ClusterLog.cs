using Microsoft.Extensions.Logging;

namespace D2Sharp.Cluster;

/// <summary>The cluster router's log messages (source-generated: no formatting cost when the level is off).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Worker {Worker} failed ({Reason}); passed over for a while")]
    public static partial void WorkerFailed(ILogger log, string worker, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Reading the cluster's silos failed; routing on the last list ({Reason})")]
    public static partial void MembershipUnread(ILogger log, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Silo {Silo} did not report its models and loads ({Reason}); routing on its last report")]
    public static partial void ReportUnread(ILogger log, string silo, string reason);
}
