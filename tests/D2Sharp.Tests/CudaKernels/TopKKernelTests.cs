using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// top_k.cu against the reference TopKKernel, every output bit for bit (values, indices, count):
/// the harness's cases, and odd ones — ties (few distinct values, −0 beside +0), NaNs (several, and
/// all of them), ±∞, k above the length, a threshold leaving fewer than k (and none), long rows
/// that take the radix select through all its passes, RetinaNet's sigmoid with and without a
/// threshold and logits on both sides of its floor, batches of 1 to 3. The outputs start as NaN /
/// garbage, so every element must be written.
/// </summary>
[TestFixture]
public class TopKKernelTests
{
    private static IEnumerable<TestCaseData> HarnessCases() => KernelAssert.CasesOf<TopK>();

    [TestCaseSource(nameof(HarnessCases))]
    public void MatchesTheReference(OpCase c) => AssertMatches((TopK)c.Op, c.Inputs[0], c.Name);

    public enum Scores { Uniform, Ties, NaNs, AllNaN, Infinities, Logits }

    // (shape, k, threshold (NaN: none), sigmoid, scores)
    [TestCase(new[] { 2, 3, 5, 7 }, 1000, float.NaN, false, Scores.Ties)]
    [TestCase(new[] { 2, 3, 40, 50 }, 100, float.NaN, false, Scores.Ties)]
    [TestCase(new[] { 3, 3, 40, 50 }, 999, float.NaN, false, Scores.Uniform)]
    [TestCase(new[] { 1, 6000 }, 1000, float.NaN, false, Scores.NaNs)]
    [TestCase(new[] { 2, 3, 7, 9 }, 50, float.NaN, false, Scores.AllNaN)]
    [TestCase(new[] { 2, 1, 9, 11 }, 30, float.NaN, false, Scores.Infinities)]
    [TestCase(new[] { 2, 4, 20, 25 }, 300, 0.9f, false, Scores.Uniform)]
    [TestCase(new[] { 2, 4, 20, 25 }, 300, 5f, false, Scores.Uniform)]
    [TestCase(new[] { 2, 4, 20, 25 }, 20, 0.5f, false, Scores.Ties)]
    [TestCase(new[] { 2, 4, 20, 25 }, 20, 0.5f, false, Scores.NaNs)]
    [TestCase(new[] { 2, 18, 10, 12 }, 100, 0.05f, true, Scores.Logits)]
    [TestCase(new[] { 2, 18, 10, 12 }, 1000, 0.3f, true, Scores.Logits)]
    [TestCase(new[] { 1, 9, 10, 12 }, 40, float.NaN, true, Scores.NaNs)]
    [TestCase(new[] { 2, 5, 6 }, 7, 0.05f, true, Scores.Ties)]
    [TestCase(new[] { 1, 1 }, 1, float.NaN, false, Scores.Uniform)]
    public void OddScoresMatchTheReference(int[] shape, int k, float threshold, bool sigmoid, Scores kind)
    {
        if (shape.Length == 3) shape = [shape[0], shape[1] * shape[2]];
        var rng = new Random(shape.Sum() * 31 + k + (int)kind);
        var x = KernelAssert.Uniform(rng, shape);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = kind switch
            {
                Scores.Ties => new[] { 0f, -0f, 0.5f, 1f, -1f, 0.75f }[rng.Next(6)],
                Scores.NaNs when i % 7 == 3 => float.NaN,
                Scores.AllNaN => float.NaN,
                Scores.Infinities when i % 5 == 1 => float.PositiveInfinity,
                Scores.Infinities when i % 5 == 2 => float.NegativeInfinity,
                Scores.Logits => x.Data[i] * 6 - 4,   // sigmoids from 0.0001 to 0.88: about a fifth above 0.05
                _ => x.Data[i],
            };
        }
        var op = new TopK { K = k, ScoreThreshold = float.IsNaN(threshold) ? null : threshold, Sigmoid = sigmoid };
        AssertMatches(op, x, $"{op.Describe()} {Tensor.ShapeString(shape)} {kind}");
    }

    [Test]
    public void TheFloorOfTheSigmoidShortcutIsTheReferences()
    {
        // Logits just below and above the floor of a 0.05 threshold: the kernel skips the same ones.
        var op = new TopK { K = 8, ScoreThreshold = 0.05f, Sigmoid = true };
        float floor = D2Sharp.Backends.Reference.Kernels.TopKKernel.SigmoidFloor(op);
        var x = new Tensor([1, 8], [floor, MathF.BitIncrement(floor), MathF.BitDecrement(floor), -2.944f, -2.9444f, -2.9443f, 0f, float.NaN]);
        AssertMatches(op, x, "around the floor");
    }

    private static void AssertMatches(TopK op, Tensor scores, string what)
    {
        var expected = OpRunner.Run(KernelAssert.Reference, op, [scores]);
        var (values, indices, count) = Run(op, scores);
        KernelAssert.Exact(values, expected[0].Data, what + ", values");
        Assert.That(indices, Is.EqualTo(expected[1].Span<long>().ToArray()), what + ", indices");
        Assert.That(count, Is.EqualTo(expected[2].Span<int>().ToArray()), what + ", count");
    }

    /// <summary>d2_top_k_select and d2_top_k_order on the host: a feature map NHWC (the flattened order), the outputs back.</summary>
    private static (float[] Values, long[] Indices, int[] Count) Run(TopK op, Tensor scores)
    {
        int[] shape = op.InferShapes([scores.Shape])[0];
        int n = shape[0], k = shape[1];
        using var input = HostBuffer.Of<float>(scores.Shape.Length == 4 ? Nhwc.FromNchw(scores) : scores.Data);
        using var values = HostBuffer.Floats((long)n * k);
        using var indices = new HostBuffer((long)n * k * sizeof(long));
        using var count = new HostBuffer(n * sizeof(int));
        using var selected = new HostBuffer((long)n * k * sizeof(ulong));
        values.Span<float>().Fill(float.NaN);
        indices.Span<long>().Fill(-7);
        count.Span<int>().Fill(-7);
        selected.Span<ulong>().Fill(ulong.MaxValue / 3);
        var p = TopKKernel.Params(op, scores.Shape, k, input.Address, [values.Address, indices.Address, count.Address], selected.Address);
        HostKernels.Launch("d2_top_k_select", LaunchShapes.TopKSelect(p.N), p);
        var order = LaunchShapes.TopKOrder(p.N, p.K);
        HostKernels.Launch("d2_top_k_order", order.Grid, order.Block, p);
        return (values.ToFloats(), indices.Span<long>().ToArray(), count.Span<int>().ToArray());
    }
}
