using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// box_decode.cu against BoxDecodeKernel, bit for bit: the harness's cases, and odd ones — a
/// channel count that is no multiple of 32 (A = 9), the last anchor of the map, repeated indices,
/// only filler (−1) rows, deltas past the scale clamp and NaN deltas, RetinaNet's (anchor, class)
/// indices with 80 classes. The output starts as NaN, so every element must be written.
/// </summary>
[TestFixture]
public class BoxDecodeKernelTests : ExactKernelTests<BoxDecode>
{
    // (n, anchors per cell, h, w, k, classes, filler rows)
    [TestCase(2, 9, 3, 5, 40, 1, 3)]
    [TestCase(1, 3, 1, 1, 3, 1, 0)]
    [TestCase(3, 2, 4, 2, 5, 1, 5)]
    [TestCase(2, 9, 2, 3, 50, 80, 7)]
    public void OddIndicesMatchTheReference(int n, int a, int h, int w, int k, int classes, int filler)
    {
        var rng = new Random(n * 7 + a * 13 + classes);
        var deltas = KernelAssert.Uniform(rng, [n, 4 * a, h, w]);
        for (int i = 0; i < deltas.Data.Length; i++) deltas.Data[i] *= i % 11 == 2 ? 30 : 2;
        deltas.Data[5] = float.NaN;
        int count = h * w * a;
        var anchors = KernelAssert.Uniform(rng, [count, 4]);
        for (int i = 0; i < count; i++)
        {
            anchors.Data[4 * i] *= 40;
            anchors.Data[4 * i + 1] *= 40;
            anchors.Data[4 * i + 2] = anchors.Data[4 * i] + 30 * (1 + anchors.Data[4 * i + 2]);
            anchors.Data[4 * i + 3] = anchors.Data[4 * i + 1] + 30 * (1 + anchors.Data[4 * i + 3]);
        }
        var indices = new long[n * k];
        for (int i = 0; i < indices.Length; i++)
            indices[i] = i % k >= k - filler ? -1 : i % 5 == 0 ? (long)count * classes - 1 : rng.NextInt64(count * (long)classes);
        var op = new BoxDecode { Weights = [1, 1, 1, 1], ClassesPerAnchor = classes };
        Tensor[] inputs = [deltas, anchors, new Tensor([n, k], indices)];
        var expected = OpRunner.RunSingle(KernelAssert.Reference, op, inputs);
        KernelAssert.Exact(Run(op, inputs, new Dictionary<string, Tensor>()), expected, $"A={a} {h}x{w} k={k} classes={classes}");
    }

    /// <summary>d2_box_decode on the host: the deltas NHWC, the anchors and indices as they are.</summary>
    private protected override float[] Run(BoxDecode op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        using var deltas = HostBuffer.Of<float>(Nhwc.FromNchw(inputs[0]));
        using var anchors = HostBuffer.Of<float>(inputs[1].Data);
        using var indices = HostBuffer.Of<long>(inputs[2].Span<long>());
        using var y = HostBuffer.Floats((long)inputs[2].Shape[0] * inputs[2].Shape[1] * 4);
        y.Span<float>().Fill(float.NaN);
        var p = BoxDecodeKernel.Params(op, inputs[0].Shape, inputs[2].Shape, [deltas.Address, anchors.Address, indices.Address], y.Address);
        HostKernels.Launch("d2_box_decode", LaunchShapes.BoxDecode(p.N, p.K), p);
        return y.ToFloats();
    }
}
