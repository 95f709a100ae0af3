using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>elementwise.cu: d2_add and d2_relu against AddKernel and ReluKernel exactly; d2_bias_activation against its formula.</summary>
[TestFixture]
public class ElementwiseKernelTests
{
    private static IEnumerable<TestCaseData> AddCases() => KernelAssert.CasesOf<Add>();

    private static IEnumerable<TestCaseData> ReluCases() => KernelAssert.CasesOf<Relu>();

    // Elementwise kernels do not care about the layout: the NCHW tensors go in as they are.
    [TestCaseSource(nameof(AddCases))]
    public void AddMatchesTheReferenceInPlace(OpCase c)
    {
        var expected = KernelAssert.Expected(c);
        using var y = HostBuffer.Of<float>(c.Inputs[0].Data);
        using var b = HostBuffer.Of<float>(c.Inputs[1].Data);
        var p = new AddParams { A = y.Address, B = b.Address, Y = y.Address, Count = expected.Length, Relu = ((Add)c.Op).Activation == Activation.Relu ? 1 : 0 };
        HostKernels.Launch("d2_add", LaunchShapes.Elementwise(expected.Length), p);
        KernelAssert.Exact(y.ToFloats(), expected.Data, c.Name);
    }

    [TestCaseSource(nameof(ReluCases))]
    public void ReluMatchesTheReference(OpCase c)
    {
        var expected = KernelAssert.Expected(c);
        using var x = HostBuffer.Of<float>(c.Inputs[0].Data);
        using var y = HostBuffer.Floats(expected.Length);
        HostKernels.Launch("d2_relu", LaunchShapes.Elementwise(expected.Length), new ReluParams { X = x.Address, Y = y.Address, Count = expected.Length });
        KernelAssert.Exact(y.ToFloats(), expected.Data, c.Name);
    }

    [Test]
    public void ReluKeepsNaNAndTurnsNegativeZeroPositive()
    {
        float[] values = [float.NaN, -0f, -1f, 2f, float.NegativeInfinity, float.PositiveInfinity];
        using var y = HostBuffer.Of<float>(values);
        HostKernels.Launch("d2_relu", LaunchShapes.Elementwise(values.Length), new ReluParams { X = y.Address, Y = y.Address, Count = values.Length });
        KernelAssert.Exact(y.ToFloats(), values.Select(v => MathF.Max(v, 0f)).ToArray(), "relu");
    }

    /// <summary>Conv2dKernel's epilogue order: (y + bias) + residual, then the activation; either addend may be absent.</summary>
    [TestCase(true, true, true)]
    [TestCase(true, false, false)]
    [TestCase(false, true, true)]
    [TestCase(false, false, true)]
    public void BiasActivationAddsInTheEpilogueOrder(bool withBias, bool withResidual, bool relu)
    {
        const int n = 2, hw = 13 * 9, c = 17;
        var rng = new Random(7);
        float[] Random(int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var y0 = Random(n * hw * c);
        y0[5] = float.NaN;
        var bias = Random(c);
        var residual = Random(y0.Length);
        using var y = HostBuffer.Of<float>(y0);
        using var biasBuffer = HostBuffer.Of<float>(bias);
        using var residualBuffer = HostBuffer.Of<float>(residual);
        var p = new BiasActivationParams
        {
            Y = y.Address, Bias = withBias ? biasBuffer.Address : 0, Residual = withResidual ? residualBuffer.Address : 0,
            Count = y0.Length, C = c, Relu = relu ? 1 : 0,
        };
        HostKernels.Launch("d2_bias_activation", LaunchShapes.Elementwise(y0.Length), p);
        var expected = y0.Select((v, i) =>
        {
            if (withBias) v += bias[i % c];
            if (withResidual) v += residual[i];
            return relu ? MathF.Max(v, 0f) : v;
        }).ToArray();
        KernelAssert.Exact(y.ToFloats(), expected, "bias_activation");
    }
}
