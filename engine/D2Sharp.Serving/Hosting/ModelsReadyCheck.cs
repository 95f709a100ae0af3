using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace D2Sharp.Serving.Hosting;

/// <summary>Readiness: every model has loaded (a reload keeps the old load serving, so it stays ready).</summary>
internal sealed class ModelsReadyCheck(IModelRouter router) : IHealthCheck
{
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(router.IsReady ? HealthCheckResult.Healthy("every model serves") : HealthCheckResult.Unhealthy("models are loading"));
}
