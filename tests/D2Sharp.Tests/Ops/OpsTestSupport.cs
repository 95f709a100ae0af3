using D2Sharp.Backends.Reference;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.Ops;

/// <summary>Runs an op on the reference backend for the hand-worked op tests; inputs and outputs are NCHW.</summary>
internal static class OpsTestSupport
{
    private static readonly ReferenceBackend Reference = new(threads: 2);

    public static Tensor Nchw(float[] data, params int[] shape) => new(shape, data);

    /// <summary>The op's only output, run on the reference backend.</summary>
    public static float[] RunReference(Op op, Tensor[] inputs, Dictionary<string, Tensor>? parameters = null) =>
        OpRunner.RunSingle(Reference, op, inputs, parameters);

    /// <summary>Every output of the op, run on the reference backend.</summary>
    public static Tensor[] RunReferenceOutputs(Op op, Tensor[] inputs, Dictionary<string, Tensor>? parameters = null) =>
        OpRunner.Run(Reference, op, inputs, parameters);

    public static Dictionary<string, Tensor> Weight(float[] weight, int[] shape, float[]? bias = null)
    {
        var p = new Dictionary<string, Tensor> { ["weight"] = new Tensor(shape, weight) };
        if (bias != null) p["bias"] = new Tensor([bias.Length], bias);
        return p;
    }
}
