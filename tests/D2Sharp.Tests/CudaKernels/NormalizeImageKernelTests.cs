using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>normalize_image.cu against NormalizeImageKernel: bit for bit, padding included.</summary>
[TestFixture]
public class NormalizeImageKernelTests
{
    private static IEnumerable<TestCaseData> Cases() => KernelAssert.CasesOf<NormalizeImage>();

    [TestCaseSource(nameof(Cases))]
    public unsafe void MatchesTheReference(OpCase c)
    {
        var op = (NormalizeImage)c.Op;
        var expected = KernelAssert.Expected(c);
        int n = expected.Shape[0], ch = expected.Shape[1], h = expected.Shape[2], w = expected.Shape[3];
        using var pixels = HostBuffer.Of<byte>(c.Inputs[0].Span<byte>());
        using var sizes = HostBuffer.Of<int>(c.Inputs[1].Span<int>());
        using var y = HostBuffer.Floats(expected.Length);
        var p = new NormalizeImageParams { Pixels = pixels.Address, ImageSizes = sizes.Address, Y = y.Address, N = n, H = h, W = w, C = ch };
        for (int i = 0; i < ch; i++)
        {
            p.Mean[i] = op.Mean[i];
            p.Std[i] = op.Std[i];
        }
        HostKernels.Launch("d2_normalize_image", LaunchShapes.Elementwise(expected.Length), p);
        KernelAssert.Exact(Nhwc.ToNchw(y.Span<float>(), n, ch, h * w), expected.Data, c.Name);
    }
}
