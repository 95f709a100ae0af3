using D2Sharp.Ops;

namespace D2Sharp.Tests.Ops;

/// <summary>Random inputs, NCHW ↔ NHWC helpers and a tolerance check shared by the op tests.</summary>
internal static class OpsTestSupport
{
    public static float[] RandomArray(Random random, int length, double scale = 1.0)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return data;
    }

    /// <summary>An NHWC map whose NCHW contents are <paramref name="nchw"/>.</summary>
    public static FeatureMap MapFromNchw(float[] nchw, int n, int c, int h, int w) =>
        FeatureMap.FromNchw(new Tensor([n, c, h, w], nchw));

    /// <summary>The map's contents in NCHW order, for comparing with an NCHW oracle.</summary>
    public static float[] ToNchw(FeatureMap map) => map.ToNchw().Data;

    /// <summary>Passes when every |actual − expected| ≤ tolerance · max(1, max|expected|); reports the worst element.</summary>
    public static void AssertClose(float[] actual, double[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = Math.Max(1.0, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        int worst = -1;
        double worstError = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(error) || error > worstError) { worst = i; worstError = double.IsNaN(error) ? double.PositiveInfinity : error; }
        }
        Assert.That(worstError, Is.LessThanOrEqualTo(tolerance * scale),
            () => $"{what}: element {worst} is {actual[worst]}, expected {expected[worst]}");
    }
}
