using D2Sharp.Backends;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Reference;
using D2Sharp.Ops;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// The backend-op harness, after ggml's test-backend-ops: every op as a one-node graph over the
/// sweep in <see cref="OpCases"/>. The reference backend is checked against the naive oracles;
/// every backend under test is checked against the reference backend.
/// </summary>
[TestFixture]
public class BackendOpTests
{
    /// <summary>
    /// The backends under test. A new backend gets every op case by adding one line. The reference
    /// backend on one thread is here too: its results must not depend on how rows are split.
    /// </summary>
    private static readonly (string Name, Func<IBackend> Create)[] BackendsUnderTest =
    [
        ("reference, 1 thread", () => new ReferenceBackend(threads: 1)),
        ("cpu avx512", () => Cpu(CpuIsa.Avx512)),
        ("cpu avx2", () => Cpu(CpuIsa.Avx2)),
        ("cpu portable", () => Cpu(CpuIsa.Portable)),
        ("cpu avx512 winograd", () => Cpu(CpuIsa.Avx512, CpuConvAlgorithm.Winograd)),
        ("cpu avx2 winograd", () => Cpu(CpuIsa.Avx2, CpuConvAlgorithm.Winograd)),
        ("cpu portable winograd", () => Cpu(CpuIsa.Portable, CpuConvAlgorithm.Winograd)),
        ("cpu avx512 direct", () => Cpu(CpuIsa.Avx512, CpuConvAlgorithm.Direct)),
    ];

    /// <summary>The CPU backend forced to one instruction set; ignored, saying so, where the processor lacks it.</summary>
    private static CpuBackend Cpu(CpuIsa isa, CpuConvAlgorithm convolutions = CpuConvAlgorithm.Auto)
    {
        if (!CpuIsas.IsSupported(isa)) Assert.Ignore($"this processor does not run the CPU backend's {isa} kernels");
        return new CpuBackend(threads: 2, isa, convolutions);
    }

    private static readonly IBackend Reference = new ReferenceBackend(threads: 3);

    private static IEnumerable<TestCaseData> Cases() =>
        OpCases.All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private static IEnumerable<TestCaseData> BackendCases() =>
        from b in BackendsUnderTest
        from c in OpCases.All()
        select new TestCaseData(b.Name, c).SetArgDisplayNames(b.Name, c.Name);

    /// <summary>
    /// Allowed |actual − expected| per element, relative to max(1, max|expected|): float32 rounding
    /// of the result plus, for a backend that sums in float32, an error growing with the square
    /// root of the reduction length.
    /// </summary>
    internal static double Tolerance(OpCase c) => 1e-6 * (1 + Math.Sqrt(c.ReductionLength));

    [TestCaseSource(nameof(Cases))]
    public void ReferenceMatchesTheNaiveOracle(OpCase c)
    {
        var actual = OpRunner.Run(Reference, c.Op, c.Inputs, c.Parameters);
        var expected = c.Oracle();
        Assert.That(actual, Has.Length.EqualTo(expected.Length), "outputs");
        for (int i = 0; i < actual.Length; i++)
            AssertClose(ToDouble(actual[i]), expected[i], actual[i].Type == DataType.Float32 ? Tolerance(c) : 0, $"{c.Name}, output {i}");
    }

    [TestCaseSource(nameof(BackendCases))]
    public void BackendMatchesTheReference(string backend, OpCase c)
    {
        var actual = OpRunner.Run(BackendsUnderTest.Single(b => b.Name == backend).Create(), c.Op, c.Inputs, c.Parameters);
        var expected = OpRunner.Run(Reference, c.Op, c.Inputs, c.Parameters);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].Type, Is.EqualTo(expected[i].Type), $"{c.Name}, output {i} type");
            Assert.That(actual[i].Shape, Is.EqualTo(expected[i].Shape), $"{c.Name}, output {i} shape");
            AssertClose(ToDouble(actual[i]), ToDouble(expected[i]), actual[i].Type == DataType.Float32 ? Tolerance(c) : 0, $"{c.Name}, output {i}");
        }
    }

    [Test]
    public void EveryOpHasCases()
    {
        var ops = typeof(Op).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToHashSet();
        var covered = OpCases.All().Select(c => c.Op.GetType()).ToHashSet();
        Assert.That(ops.Except(covered).Select(t => t.Name), Is.Empty, "ops without a harness case");
    }

    internal static double[] ToDouble(Tensor t) => t.Type switch
    {
        DataType.Float32 => t.Data.Select(v => (double)v).ToArray(),
        DataType.Int64 => t.Span<long>().ToArray().Select(v => (double)v).ToArray(),
        DataType.Int32 => t.Span<int>().ToArray().Select(v => (double)v).ToArray(),
        _ => t.Span<byte>().ToArray().Select(v => (double)v).ToArray(),
    };

    /// <summary>Passes when every element is within tolerance · max(1, max|expected|); NaN must meet NaN, ±∞ the same ∞.</summary>
    internal static void AssertClose(double[] actual, double[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = Math.Max(1.0, expected.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            bool same = double.IsNaN(e) ? double.IsNaN(a) : double.IsInfinity(e) ? a == e : Math.Abs(a - e) <= tolerance * scale;
            if (!same) Assert.Fail($"{what}: element {i} is {a}, expected {e} (tolerance {tolerance * scale:G3})");
        }
    }
}
