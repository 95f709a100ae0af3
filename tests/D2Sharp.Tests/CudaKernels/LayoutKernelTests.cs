using D2Sharp.Backends.Cuda;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>layout.cu: both transposes exactly, over partial tiles, one channel, and more channels than a tile.</summary>
[TestFixture]
public class LayoutKernelTests
{
    [TestCase(2, 3, 5, 7)]
    [TestCase(2, 17, 13, 9)]
    [TestCase(1, 40, 1, 1)]
    [TestCase(3, 1, 33, 2)]
    [TestCase(2, 64, 8, 8)]
    [TestCase(1, 33, 35, 33)]
    public void BothDirectionsMatchTheTestsTranspose(int n, int c, int h, int w)
    {
        int hw = h * w;
        var rng = new Random(n * 1000 + c);
        var nchw = Enumerable.Range(0, n * c * hw).Select(_ => (float)rng.NextDouble()).ToArray();
        using var x = HostBuffer.Of<float>(nchw);
        using var nhwc = HostBuffer.Floats(nchw.Length);
        using var back = HostBuffer.Floats(nchw.Length);
        var (grid, block) = LaunchShapes.Layout(n, c, hw);
        HostKernels.Launch("d2_nchw_to_nhwc", grid, block, new LayoutParams { X = x.Address, Y = nhwc.Address, N = n, C = c, Hw = hw });
        KernelAssert.Exact(nhwc.ToFloats(), Nhwc.FromNchw(nchw, n, c, hw), "NCHW to NHWC");
        HostKernels.Launch("d2_nhwc_to_nchw", grid, block, new LayoutParams { X = nhwc.Address, Y = back.Address, N = n, C = c, Hw = hw });
        KernelAssert.Exact(back.ToFloats(), nchw, "NHWC to NCHW");
    }
}
