using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>spatial_mean.cu against SpatialMeanKernel, exactly (both sum in double and round once).</summary>
[TestFixture]
public class SpatialMeanKernelTests
{
    private static IEnumerable<TestCaseData> Cases() => KernelAssert.CasesOf<SpatialMean>();

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReference(OpCase c)
    {
        var expected = KernelAssert.Expected(c);
        var x = c.Inputs[0];
        int rows = x.Shape[0], ch = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        using var input = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        using var y = HostBuffer.Floats(expected.Length);
        var p = new SpatialMeanParams { X = input.Address, Y = y.Address, Rows = rows, Plane = plane, C = ch };
        HostKernels.Launch("d2_spatial_mean", LaunchShapes.Elementwise((long)rows * ch), p);
        KernelAssert.Exact(y.ToFloats(), expected.Data, c.Name);
    }
}
