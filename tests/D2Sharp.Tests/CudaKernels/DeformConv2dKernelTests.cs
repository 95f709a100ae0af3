using D2Sharp.Backends.Cuda;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;
using D2Sharp.Weights;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// deform_conv2d.cu as the backend will run it: d2_deform_im2col through the emulator, then the
/// per-group GEMM of its header comment (here in plain C#, float32 sums as cuBLAS's SGEMM), then
/// d2_bias_activation for the folded-BN bias and the activation; against DeformConv2dKernel
/// within BackendOpTests' tolerance.
/// </summary>
[TestFixture]
public class DeformConv2dKernelTests
{
    /// <summary>Every case through the scalar gather, and through the float4 one where the backend would pick it.</summary>
    private static IEnumerable<TestCaseData> Cases() =>
        from data in KernelAssert.CasesOf<DeformConv2d>()
        let c = (OpCase)data.Arguments[0]!
        from entry in new[] { "d2_deform_im2col", D2Sharp.Backends.Cuda.Kernels.DeformConv2dKernel.Im2colEntry((DeformConv2d)c.Op) }.Distinct()
        select new TestCaseData(c, entry).SetArgDisplayNames(c.Name, entry);

    [TestCaseSource(nameof(Cases))]
    public void Im2colGemmEpilogueMatchesTheReference(OpCase c, string entry)
    {
        var op = (DeformConv2d)c.Op;
        var expected = KernelAssert.Expected(c);
        var x = c.Inputs[0];
        int n = x.Shape[0], h = x.Shape[2], w = x.Shape[3], cin = op.InChannels, cout = op.OutChannels;
        int ho = expected.Shape[2], wo = expected.Shape[3], taps = op.Kernel * op.Kernel;
        int pixels = n * ho * wo, row = taps * cin;
        using var input = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        using var offset = HostBuffer.Of<float>(Nhwc.FromNchw(c.Inputs[1]));
        using var columns = HostBuffer.Floats((long)pixels * row);
        var p = new DeformIm2colParams
        {
            X = input.Address, Offset = offset.Address, Columns = columns.Address, N = n, H = h, W = w, C = cin, Ho = ho, Wo = wo,
            Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding, Dilation = op.Dilation, Groups = op.Groups,
            DeformableGroups = op.DeformableGroups, Modulated = op.Modulated ? 1 : 0,
        };
        HostKernels.Launch(entry, LaunchShapes.DeformIm2col(n, ho, wo, op.Kernel), p);

        var weights = FoldedWeights(c);
        using var y = HostBuffer.Of<float>(Gemm(columns.ToFloats(), weights.Weight, pixels, cin, cout, op.Groups, taps));
        using var bias = HostBuffer.Of<float>(weights.Bias!);
        HostKernels.Launch("d2_bias_activation", LaunchShapes.Elementwise((long)pixels * cout), new BiasActivationParams
        {
            Y = y.Address, Bias = bias.Address, Count = (long)pixels * cout, C = cout, Relu = op.Activation == Activation.Relu ? 1 : 0,
        });
        KernelAssert.Close(Nhwc.ToNchw(y.Span<float>(), n, cout, ho * wo), expected.Data, KernelAssert.Tolerance(c.ReductionLength), c.Name);
    }

    /// <summary>The weights as bound for the reference: FrozenBN folded into weight and bias.</summary>
    private static NodeWeights FoldedWeights(OpCase c)
    {
        var (graph, _) = SingleOpGraph.Create(c.Op, c.Inputs.Select(t => (t.Type, t.Shape)).ToList());
        var named = c.Parameters.ToDictionary(p => "op." + p.Key, p => p.Value);
        var bound = WeightBinder.Bind(graph, named, "test parameters");
        return graph.Nodes.Select(bound.TryFor).Single(weights => weights != null)!;
    }

    /// <summary>
    /// y[P, g·og + o] = Σ_t Wp[g·og + o, t] · columns[P, g·K·K·cg + t], t over the group's block,
    /// Wp[o, k·cg + cl] = weight[o, cl, k]: the cublasSgemm per group written in deform_conv2d.cu.
    /// </summary>
    private static float[] Gemm(float[] columns, float[] weight, int pixels, int cin, int cout, int groups, int taps)
    {
        int cg = cin / groups, og = cout / groups, block = taps * cg;
        var packed = new float[cout * block];
        for (int o = 0; o < cout; o++)
            for (int cl = 0; cl < cg; cl++)
                for (int k = 0; k < taps; k++)
                    packed[o * block + k * cg + cl] = weight[(o * cg + cl) * taps + k];
        var y = new float[pixels * cout];
        for (int pixel = 0; pixel < pixels; pixel++)
            for (int g = 0; g < groups; g++)
                for (int o = g * og; o < (g + 1) * og; o++)
                {
                    float sum = 0;
                    for (int t = 0; t < block; t++) sum += packed[o * block + t] * columns[pixel * taps * cin + g * block + t];
                    y[pixel * cout + o] = sum;
                }
        return y;
    }
}
