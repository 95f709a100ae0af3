using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// upsample_bilinear2x.cu against UpsampleBilinear2xKernel, bit for bit: the harness's cases, and odd
/// ones — the keypoint head's 17 channels, a 1×1 map (every output from one pixel), one-row and
/// one-column maps (the clamped second source), a channel count past a warp. The output starts as
/// NaN, so every element must be written.
/// </summary>
[TestFixture]
public class UpsampleBilinear2xKernelTests : ExactKernelTests<UpsampleBilinear2x>
{
    [TestCase(3, 17, 14, 14)]
    [TestCase(2, 5, 1, 1)]
    [TestCase(1, 33, 1, 6)]
    [TestCase(2, 2, 7, 1)]
    [TestCase(1, 1, 3, 2)]
    public void OddShapesMatchTheReference(int n, int c, int h, int w)
    {
        var x = KernelAssert.Uniform(new Random(n * 97 + c * 5 + h), [n, c, h, w]);
        var op = new UpsampleBilinear2x();
        var expected = OpRunner.RunSingle(KernelAssert.Reference, op, [x]);
        KernelAssert.Exact(Run(op, [x], new Dictionary<string, Tensor>()), expected, $"{Tensor.ShapeString(x.Shape)}");
    }

    /// <summary>d2_upsample_bilinear2x on the host: NHWC in, the NCHW output back.</summary>
    private protected override float[] Run(UpsampleBilinear2x op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        var x = inputs[0];
        using var input = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        var p = UpsampleBilinear2xKernel.Params(x.Shape, input.Address, 0);
        using var y = HostBuffer.Floats((long)p.N * 4 * p.H * p.W * p.C);
        y.Span<float>().Fill(float.NaN);
        p.Y = y.Address;
        HostKernels.Launch("d2_upsample_bilinear2x", LaunchShapes.UpsampleBilinear2x(p.N, p.H, p.W, p.C), p);
        return Nhwc.ToNchw(y.Span<float>(), p.N, p.C, 4 * p.H * p.W);
    }
}
