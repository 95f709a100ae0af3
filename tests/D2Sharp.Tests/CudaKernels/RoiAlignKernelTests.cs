using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// roi_align.cu against RoiAlignKernel, bit for bit: the harness's cases, and odd ones — channels
/// that fill no warp, four FPN levels, boxes partly or wholly outside the map, empty and crossed
/// boxes, a NaN box, counts below the slots (and above them), fixed and adaptive sampling, ROIAlign
/// without the half-pixel shift. The output starts as NaN, so every element must be written.
/// </summary>
[TestFixture]
public class RoiAlignKernelTests : ExactKernelTests<RoiAlign>
{
    // (channels, levels, size, sampling, aligned, counts)
    [TestCase(37, 4, 7, 0, true, new[] { 9, 4 })]
    [TestCase(5, 1, 3, 2, true, new[] { 3, 0 })]
    [TestCase(33, 3, 5, 0, false, new[] { 12, 9 })]
    [TestCase(64, 4, 2, 1, true, new[] { 1, 40 })]
    public void OddShapesMatchTheReference(int channels, int levels, int size, int sampling, bool aligned, int[] counts)
    {
        const int n = 2, slots = 9, imageH = 120, imageW = 88;
        var rng = new Random(channels * 31 + levels);
        var scales = Enumerable.Range(0, levels).Select(l => 1f / (4 << l)).ToArray();
        var maps = scales.Select(s => KernelAssert.Uniform(rng, [n, channels, (int)Math.Ceiling(imageH * s), (int)Math.Ceiling(imageW * s)])).ToArray();
        var boxes = new Tensor([n, slots, 4]);
        for (int i = 0; i < n * slots; i++)
        {
            float w = 2 + (float)rng.NextDouble() * 90, h = 2 + (float)rng.NextDouble() * 90;
            float x1 = (float)(rng.NextDouble() * (imageW + 40)) - 20, y1 = (float)(rng.NextDouble() * (imageH + 40)) - 20;
            (float, float, float, float) box = (i % 6) switch
            {
                1 => (x1, y1, x1, y1 + h),                          // empty: zero width
                2 => (x1 + w, y1, x1, y1 + h),                      // corners crossed: NaN level with several levels
                3 => (-x1 - 3 * imageW, y1, -x1 - 2 * imageW, y1 + h), // wholly outside
                4 when i == 4 => (float.NaN, y1, x1 + w, y1 + h),
                _ => (x1, y1, x1 + w, y1 + h),
            };
            (boxes.Data[4 * i], boxes.Data[4 * i + 1], boxes.Data[4 * i + 2], boxes.Data[4 * i + 3]) = box;
        }
        var op = new RoiAlign { Scales = scales, OutputSize = size, SamplingRatio = sampling, Aligned = aligned };
        Tensor[] inputs = [.. maps, boxes, new Tensor([n], counts)];
        var expected = OpRunner.RunSingle(KernelAssert.Reference, op, inputs);
        KernelAssert.Exact(Run(op, inputs, new Dictionary<string, Tensor>()), expected, $"C={channels} levels={levels} size={size} sampling={sampling} aligned={aligned}");
    }

    /// <summary>d2_roi_align on the host: NHWC maps in, the NCHW pooled rows out.</summary>
    private protected override float[] Run(RoiAlign op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        var buffers = inputs.Take(op.Levels).Select(m => HostBuffer.Of<float>(Nhwc.FromNchw(m))).ToList();
        try
        {
            var boxes = inputs[op.Levels];
            buffers.Add(HostBuffer.Of<float>(boxes.Data));
            buffers.Add(HostBuffer.Of<int>(inputs[op.Levels + 1].Span<int>()));
            int rows = boxes.Shape[0] * boxes.Shape[1], c = inputs[0].Shape[1], size = op.OutputSize;
            using var y = HostBuffer.Floats((long)rows * size * size * c);
            y.Span<float>().Fill(float.NaN);
            var p = RoiAlignKernel.Params(op, buffers.Select(b => b.Address).ToArray(), inputs.Select(t => t.Shape).ToArray(), y.Address);
            HostKernels.Launch("d2_roi_align", LaunchShapes.RoiAlign(boxes.Shape[0], boxes.Shape[1], size, c), p);
            return Nhwc.ToNchw(y.Span<float>(), rows, c, size * size);
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }
}
