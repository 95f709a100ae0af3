namespace D2Sharp.Tests;

/// <summary>The fixtures' comparison rule: features within 1e-3·max(1, max|expected|), anchors within 1e-3.</summary>
public static class Tolerance
{
    public static double Feature(ReadOnlySpan<float> expected)
    {
        double max = 0;
        foreach (var v in expected) max = Math.Max(max, Math.Abs(v));
        return 1e-3 * Math.Max(1.0, max);
    }

    public const double Anchor = 1e-3;

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - b[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }

    /// <summary>Asserts shape equality and the per-tensor tolerance (anchors use the absolute one).</summary>
    public static void AssertClose(string what, Tensor actual, Tensor expected, bool isAnchor = false)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{what}: shape");
        double tol = isAnchor ? Anchor : Feature(expected.Data);
        double err = MaxAbsDiff(actual.Data, expected.Data);
        Assert.That(err, Is.LessThanOrEqualTo(tol), $"{what}: max abs error {err:G4} > tolerance {tol:G4}");
    }
}
