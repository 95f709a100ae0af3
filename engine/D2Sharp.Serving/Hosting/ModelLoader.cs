using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Serving.Hosting;

/// <summary>
/// Loads the models once the server listens, so that liveness answers while a large model loads
/// and readiness turns true when all have; a model that fails to load stops the server.
/// </summary>
internal sealed class ModelLoader(LocalModelRouter models, IHostApplicationLifetime lifetime, ILogger<ModelLoader> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the start: stopping the application while it starts would cancel the start instead.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(started.SetResult))
            await started.Task.WaitAsync(stoppingToken);
        await Task.Run(models.LoadAll, stoppingToken);
        if (models.Ready.Exception is { } failed)
        {
            ServingLog.LoadFailed(log, failed.InnerException!);
            lifetime.StopApplication();
        }
    }
}
