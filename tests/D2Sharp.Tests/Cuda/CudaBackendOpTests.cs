using D2Sharp.Backends;
using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Reference;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.Cuda;

/// <summary>
/// The backend-op harness on the GPU: every op case of <see cref="OpCases"/> through the CUDA
/// backend, against the reference backend. cuDNN may pick FFT or Winograd algorithms, whose float32
/// error is larger than a direct sum's, hence ten times the host backends' tolerance.
/// </summary>
[TestFixture, Category("Cuda")]
public class CudaBackendOpTests
{
    private static readonly IBackend Reference = new ReferenceBackend(threads: 2);

    private static IEnumerable<TestCaseData> Cases() =>
        from c in OpCases.All()
        select new TestCaseData(c).SetArgDisplayNames(c.Name);

    [TestCaseSource(nameof(Cases))]
    public void CudaMatchesTheReference(OpCase c)
    {
        CudaRequirement.Require();
        var backend = new CudaBackend();
        if (!backend.Supports(c.Op, out string? reason)) Assert.Ignore(reason);
        var actual = OpRunner.Run(backend, c.Op, c.Inputs, c.Parameters);
        var expected = OpRunner.Run(Reference, c.Op, c.Inputs, c.Parameters);
        double tolerance = 1e-5 * (1 + Math.Sqrt(c.ReductionLength));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].Shape, Is.EqualTo(expected[i].Shape), $"{c.Name}, output {i} shape");
            BackendOpTests.AssertClose(BackendOpTests.ToDouble(actual[i]), BackendOpTests.ToDouble(expected[i]),
                actual[i].Type == DataType.Float32 ? tolerance : 0, $"{c.Name}, output {i}");
        }
    }

    /// <summary>
    /// d2_conv_transpose2d at the heads' own sizes (the mask head's 256→256 k2 s2 and the keypoint
    /// head's 512→17 k4 s2 p1 on 14×14 maps): bit for bit the reference's, as in the host emulation
    /// (exact products summed in double in the reference's order; a DFMA of an exact product rounds as
    /// the add does).
    /// </summary>
    [TestCase(256, 256, 2, 2, 0)]
    [TestCase(512, 17, 4, 2, 1)]
    public void HeadSizedDeconvolutionsMatchTheReferenceBitForBit(int cin, int cout, int kernel, int stride, int padding)
    {
        CudaRequirement.Require();
        var rng = new Random(cin + cout);
        var op = new ConvTranspose2d
        {
            InChannels = cin, OutChannels = cout, Kernel = kernel, Stride = stride, Padding = padding, Activation = Activation.Relu,
        };
        var weight = CudaKernels.KernelAssert.Uniform(rng, [cin, cout, kernel, kernel]);
        for (int i = 0; i < weight.Data.Length; i++) weight.Data[i] *= 0.1f;
        var parameters = new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = CudaKernels.KernelAssert.Uniform(rng, [cout]) };
        Tensor[] inputs = [CudaKernels.KernelAssert.Uniform(rng, [2, cin, 14, 14])];
        var actual = OpRunner.Run(new CudaBackend(), op, inputs, parameters)[0];
        var expected = OpRunner.Run(Reference, op, inputs, parameters)[0];
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        CudaKernels.KernelAssert.Exact(actual.Data, expected.Data, op.Describe());
    }
}
