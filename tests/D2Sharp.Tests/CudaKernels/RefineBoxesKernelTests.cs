using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// refine_boxes.cu against RefineBoxesKernel, bit for bit: the harness's case, and odd ones — deltas
/// past the scale clamp, boxes reaching outside the image (clipped on every side), empty and crossed
/// boxes, NaN deltas and boxes, counts of 0, below the slots and above them (and negative), the
/// three cascade stages' weights. The output starts as NaN, so every element must be written.
/// </summary>
[TestFixture]
public class RefineBoxesKernelTests : ExactKernelTests<RefineBoxes>
{
    [TestCase(10f, 10f, 5f, 5f, new[] { 7, 0, 3 })]
    [TestCase(20f, 20f, 10f, 10f, new[] { 12, 7, -2 })]
    [TestCase(30f, 30f, 15f, 15f, new[] { 5, 7, 7 })]
    public void OddBoxesMatchTheReference(float wx, float wy, float ww, float wh, int[] counts)
    {
        const int slots = 7;
        int n = counts.Length;
        var rng = new Random((int)wx * 17 + counts[0]);
        int[] sizes = [.. Enumerable.Range(0, n).SelectMany(i => new[] { 40 + 13 * i, 70 - 9 * i })];
        var boxes = new Tensor([n, slots, 4]);
        var deltas = new Tensor([n * slots, 4]);
        for (int i = 0; i < n * slots; i++)
        {
            float x1 = (float)(rng.NextDouble() * 90 - 15), y1 = (float)(rng.NextDouble() * 70 - 15);
            float w = (float)(rng.NextDouble() * 50), h = (float)(rng.NextDouble() * 50);
            (boxes.Data[4 * i], boxes.Data[4 * i + 1], boxes.Data[4 * i + 2], boxes.Data[4 * i + 3]) = (i % 5) switch
            {
                1 => (x1, y1, x1, y1 + h),          // empty
                2 => (x1 + w, y1, x1, y1 + h),      // crossed
                3 when i == 3 => (float.NaN, y1, x1 + w, y1 + h),
                _ => (x1, y1, x1 + w, y1 + h),
            };
            for (int k = 0; k < 4; k++) deltas.Data[4 * i + k] = (float)(rng.NextDouble() * 8 - 4) * (k >= 2 ? 20 : 3);
        }
        deltas.Data[4 * 6 + 2] = float.NaN;
        var op = new RefineBoxes { Weights = [wx, wy, ww, wh] };
        Tensor[] inputs = [deltas, boxes, new Tensor([n], counts), new Tensor([n, 2], sizes)];
        var expected = OpRunner.RunSingle(KernelAssert.Reference, op, inputs);
        KernelAssert.Exact(Run(op, inputs, new Dictionary<string, Tensor>()), expected, $"{op.Describe()} counts {string.Join(",", counts)}");
    }

    /// <summary>d2_refine_boxes on the host.</summary>
    private protected override float[] Run(RefineBoxes op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        using var deltas = HostBuffer.Of<float>(inputs[0].Data);
        using var boxes = HostBuffer.Of<float>(inputs[1].Data);
        using var counts = HostBuffer.Of<int>(inputs[2].Span<int>());
        using var sizes = HostBuffer.Of<int>(inputs[3].Span<int>());
        using var y = HostBuffer.Floats(inputs[1].Data.Length);
        y.Span<float>().Fill(float.NaN);
        var p = RefineBoxesKernel.Params(op, [deltas.Address, boxes.Address, counts.Address, sizes.Address], inputs[1].Shape, y.Address);
        HostKernels.Launch("d2_refine_boxes", LaunchShapes.RefineBoxes(p.N, p.P), p);
        return y.ToFloats();
    }
}
