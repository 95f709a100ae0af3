using Microsoft.Extensions.Logging;

namespace D2Sharp.Runtime;

/// <summary>
/// What a session tells its <see cref="ILogger"/> (<see cref="SessionOptions.Logger"/>): the library
/// never writes to the console. Event ids are stable so that a service can filter on them.
/// </summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded {Config}: {Nodes} nodes, weights {Weights}, on the {Backend} backend in {Milliseconds:F0} ms")]
    public static partial void Loaded(ILogger logger, string config, int nodes, string weights, string backend, double milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The checkpoint holds {Count} keys the model does not use, e.g. {Examples}")]
    public static partial void UnusedCheckpointKeys(ILogger logger, int count, string examples);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Config: {Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug,
        Message = "Prepared a plan for {Batch}x{Height}x{Width} in {Milliseconds:F1} ms; the arena is {ArenaMiB:F1} MiB")]
    public static partial void PlanPrepared(ILogger logger, int batch, int height, int width, double milliseconds, double arenaMiB);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Released the plan for {Batch}x{Height}x{Width} (MaxCachedPlans is {MaxCachedPlans})")]
    public static partial void PlanReleased(ILogger logger, int batch, int height, int width, int maxCachedPlans);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Scope {Scope} is not built for this config, so a shallower one runs: {Reason}")]
    public static partial void ScopeNotBuilt(ILogger logger, string scope, string reason);
}
