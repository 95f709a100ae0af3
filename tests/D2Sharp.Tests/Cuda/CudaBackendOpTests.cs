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

    /// <summary>
    /// d2_top_k_select / d2_top_k_order at the RPN's P2 size for an 800×1344 image (3 anchors on
    /// 200×336: 201,600 logits per image, k = 1000, two images, quantised scores so that many tie):
    /// every output bit for bit the reference's, as in the host emulation (no float arithmetic but
    /// comparisons).
    /// </summary>
    [Test]
    public void RpnSizedTopKMatchesTheReferenceBitForBit()
    {
        CudaRequirement.Require();
        var scores = CudaKernels.KernelAssert.Uniform(new Random(11), [2, 3, 200, 336]);
        for (int i = 0; i < scores.Data.Length; i++) scores.Data[i] = MathF.Round(scores.Data[i] * 4000) / 4000;
        scores.Data[12345] = float.NaN;
        var op = new TopK { K = 1000 };
        var actual = OpRunner.Run(new CudaBackend(), op, [scores]);
        var expected = OpRunner.Run(Reference, op, [scores]);
        CudaKernels.KernelAssert.Exact(actual[0].Data, expected[0].Data, "values");
        Assert.That(actual[1].Span<long>().ToArray(), Is.EqualTo(expected[1].Span<long>().ToArray()), "indices");
        Assert.That(actual[2].Span<int>().ToArray(), Is.EqualTo(expected[2].Span<int>().ToArray()), "count");
    }

    /// <summary>
    /// RetinaNet's sigmoid + threshold + top-k on a P3-sized level of 80 classes × 9 anchors (two
    /// images of 25×42 cells: 756,000 logits each, threshold 0.05, k = 1000): the counts exactly, the
    /// probabilities within an ulp or two (the device's expf is within 2 ulp, glibc's nearly correctly
    /// rounded), and the kept indices the reference's as sets but for a rare pair at the cut that an
    /// ulp of the sigmoid swaps.
    /// </summary>
    [Test]
    public void RetinaNetSizedSigmoidTopKMatchesTheReference()
    {
        CudaRequirement.Require();
        var logits = CudaKernels.KernelAssert.Uniform(new Random(12), [2, 720, 25, 42]);
        for (int i = 0; i < logits.Data.Length; i++) logits.Data[i] = logits.Data[i] * 6 - 4;
        var op = new TopK { K = 1000, ScoreThreshold = 0.05f, Sigmoid = true };
        var actual = OpRunner.Run(new CudaBackend(), op, [logits]);
        var expected = OpRunner.Run(Reference, op, [logits]);
        Assert.That(actual[2].Span<int>().ToArray(), Is.EqualTo(expected[2].Span<int>().ToArray()), "count");
        CudaKernels.KernelAssert.Close(actual[0].Data, expected[0].Data, 2.5e-7, "values");
        for (int b = 0; b < 2; b++)
        {
            var kept = actual[1].Span<long>().Slice(b * 1000, 1000).ToArray();
            var expectedKept = expected[1].Span<long>().Slice(b * 1000, 1000).ToArray();
            Assert.That(kept.Except(expectedKept).Count(), Is.LessThanOrEqualTo(2), $"image {b}: the kept indices");
        }
    }
}
