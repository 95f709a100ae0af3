using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving;

/// <summary>The serving layer's log messages (source-generated: no formatting cost when the level is off).</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Model '{Model}' reloaded: generation {Generation} serves")]
    public static partial void Reloaded(ILogger log, string model, long generation);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Call} for model '{Model}' failed with an internal error")]
    public static partial void CallFailed(ILogger log, Exception error, string call, string model);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "Loading the models failed; the server stops")]
    public static partial void LoadFailed(ILogger log, Exception error);
}
