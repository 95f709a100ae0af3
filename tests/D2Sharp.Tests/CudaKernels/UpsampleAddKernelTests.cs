using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// upsample_add.cu against UpsampleAddKernel, bit for bit, written over the lateral as the backend
/// runs it in place; the float4 kernel where the channels allow it.
/// </summary>
[TestFixture]
public class UpsampleAddKernelTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from c in OpCases.All().Where(c => c.Op is UpsampleAdd)
        from kernel in new[] { "d2_upsample_add", "d2_upsample_add_vec4" }
        where kernel == "d2_upsample_add" || c.Inputs[0].Shape[1] % 4 == 0
        select new TestCaseData(kernel, c).SetArgDisplayNames(kernel, c.Name);

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReferenceInPlace(string kernel, OpCase c)
    {
        var op = (UpsampleAdd)c.Op;
        var expected = KernelAssert.Expected(c);
        var top = c.Inputs[0];
        int n = top.Shape[0], ch = top.Shape[1], h = top.Shape[2], w = top.Shape[3];
        using var topBuffer = HostBuffer.Of<float>(Nhwc.FromNchw(top));
        using var y = HostBuffer.Of<float>(Nhwc.FromNchw(c.Inputs[1]));
        var p = new UpsampleAddParams
        {
            Top = topBuffer.Address, Lateral = y.Address, Y = y.Address, N = n, H = h, W = w, C = ch,
            Bilinear = op.Mode == UpsampleMode.Bilinear ? 1 : 0, Average = op.Fuse == FuseType.Avg ? 1 : 0,
        };
        long threads = kernel == "d2_upsample_add_vec4" ? expected.Length / 4 : expected.Length;
        HostKernels.Launch(kernel, LaunchShapes.Elementwise(threads), p);
        KernelAssert.Exact(Nhwc.ToNchw(y.Span<float>(), n, ch, 4 * h * w), expected.Data, c.Name);
    }
}
