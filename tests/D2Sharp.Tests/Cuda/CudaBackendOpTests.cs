using D2Sharp.Backends;
using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Reference;
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
}
