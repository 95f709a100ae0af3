using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>group_norm.cu (statistics, then apply, in place) against GroupNormKernel, within BackendOpTests' tolerance.</summary>
[TestFixture]
public class GroupNormKernelTests
{
    private static IEnumerable<TestCaseData> Cases() => KernelAssert.CasesOf<GroupNorm>();

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReferenceInPlace(OpCase c)
    {
        var op = (GroupNorm)c.Op;
        var expected = KernelAssert.Expected(c);
        var x = c.Inputs[0];
        int n = x.Shape[0], hw = x.Shape[2] * x.Shape[3];
        using var y = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        using var weight = HostBuffer.Of<float>(c.Parameters["weight"].Data);
        using var bias = HostBuffer.Of<float>(c.Parameters["bias"].Data);
        using var stats = HostBuffer.Floats(2L * n * op.Groups);
        var p = new GroupNormParams
        {
            X = y.Address, Y = y.Address, Weight = weight.Address, Bias = bias.Address, Stats = stats.Address,
            N = n, Hw = hw, C = op.Channels, Groups = op.Groups, Eps = op.Eps, Relu = op.Activation == Activation.Relu ? 1 : 0,
        };
        HostKernels.Launch("d2_group_norm_stats", LaunchShapes.GroupNormStats(n, op.Groups), p);
        HostKernels.Launch("d2_group_norm_apply", LaunchShapes.Elementwise(x.Length), p);
        KernelAssert.Close(Nhwc.ToNchw(y.Span<float>(), n, op.Channels, hw), expected.Data, KernelAssert.Tolerance(c.ReductionLength), c.Name);
    }
}
