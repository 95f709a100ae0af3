using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>max_pool2d.cu against MaxPool2dKernel, exactly (NaN cases included).</summary>
[TestFixture]
public class MaxPool2dKernelTests
{
    private static IEnumerable<TestCaseData> Cases() => KernelAssert.CasesOf<MaxPool2d>();

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReference(OpCase c)
    {
        var op = (MaxPool2d)c.Op;
        var expected = KernelAssert.Expected(c);
        var x = c.Inputs[0];
        int n = x.Shape[0], ch = x.Shape[1], ho = expected.Shape[2], wo = expected.Shape[3];
        using var input = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        using var y = HostBuffer.Floats(expected.Length);
        var p = new MaxPool2dParams
        {
            X = input.Address, Y = y.Address, N = n, H = x.Shape[2], W = x.Shape[3], C = ch, Ho = ho, Wo = wo,
            Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding,
        };
        HostKernels.Launch("d2_max_pool2d", LaunchShapes.Elementwise(expected.Length), p);
        KernelAssert.Exact(Nhwc.ToNchw(y.Span<float>(), n, ch, ho * wo), expected.Data, c.Name);
    }
}
