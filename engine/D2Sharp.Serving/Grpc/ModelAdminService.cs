using D2Sharp.Serving.V1;
using Grpc.Core;

namespace D2Sharp.Serving.Grpc;

/// <summary>The <c>d2sharp.v1.ModelAdmin</c> service: reloading a model in place.</summary>
internal sealed class ModelAdminService(IModelRouter router, CallObserver calls) : ModelAdmin.ModelAdminBase
{
    public override Task<ModelInfo> ReloadModel(ReloadModelRequest request, ServerCallContext context) =>
        calls.RunAsync(nameof(ReloadModel), request.Model, context, () => router.ReloadAsync(request, context.CancellationToken));
}
