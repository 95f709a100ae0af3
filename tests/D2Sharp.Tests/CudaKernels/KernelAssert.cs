using D2Sharp.Backends.Reference;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>The reference the kernels are checked against, and the comparisons BackendOpTests makes.</summary>
internal static class KernelAssert
{
    public static readonly ReferenceBackend Reference = new(threads: 2);

    /// <summary>The reference backend's first output for a harness case.</summary>
    public static Tensor Expected(OpCase c) => OpRunner.Run(Reference, c.Op, c.Inputs, c.Parameters)[0];

    /// <summary>BackendOpTests' tolerance: float32 rounding plus a term growing with the square root of the reduction.</summary>
    public static double Tolerance(int reductionLength) => 1e-6 * (1 + Math.Sqrt(reductionLength));

    /// <summary>Every element within tolerance · max(1, max|expected|); NaN must meet NaN, ±∞ the same ∞.</summary>
    public static void Close(float[] actual, float[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = Math.Max(1.0, expected.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max());
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            bool same = double.IsNaN(e) ? double.IsNaN(a) : double.IsInfinity(e) ? a == e : Math.Abs(a - e) <= tolerance * scale;
            if (!same) Assert.Fail($"{what}: element {i} is {a}, expected {e} (tolerance {tolerance * scale:G3})");
        }
    }

    /// <summary>Bit for bit (so −0 differs from +0, and NaN equals NaN).</summary>
    public static void Exact(float[] actual, float[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < actual.Length; i++)
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    /// <summary>A float32 tensor of values drawn uniformly from [−1, 1).</summary>
    public static Tensor Uniform(Random rng, int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    /// <summary>The harness cases of one op type.</summary>
    public static IEnumerable<TestCaseData> CasesOf<TOp>() =>
        OpCases.All().Where(c => c.Op is TOp).Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));
}
