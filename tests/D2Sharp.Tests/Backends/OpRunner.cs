using D2Sharp.Backends;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// Runs one op as a one-node graph (<see cref="SingleOpGraph"/>) through any backend, the way the
/// op tests and the backend-op harness reach a kernel: inputs and outputs are boundary tensors
/// (NCHW for feature maps), parameters are named relative to the node (<c>weight</c>,
/// <c>norm.running_var</c>) and bound (BatchNorm folded) as a checkpoint's would be.
/// </summary>
internal static class OpRunner
{
    public static Tensor[] Run(IBackend backend, Op op, IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, Tensor>? parameters = null)
    {
        var (graph, plan) = SingleOpGraph.Create(op, inputs.Select(t => (t.Type, t.Shape)).ToList());
        var named = (parameters ?? new Dictionary<string, Tensor>()).ToDictionary(p => "op." + p.Key, p => p.Value);
        using var bound = backend.Bind(graph, WeightBinder.Bind(graph, named, "test parameters"));
        using var executor = bound.Prepare(plan);
        for (int i = 0; i < inputs.Count; i++) executor.SetInput(plan.Inputs[i].Name, inputs[i]);
        executor.Run();
        return plan.Outputs.Select(o => executor.GetOutput(o.Key)).ToArray();
    }

    /// <summary>The float32 output of a single-output op.</summary>
    public static float[] RunSingle(IBackend backend, Op op, IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, Tensor>? parameters = null) =>
        Run(backend, op, inputs, parameters)[0].Data;
}
