using D2Sharp.Backends.Cuda;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>anchor_grid.cu against AnchorGridKernel, exactly.</summary>
[TestFixture]
public class AnchorGridKernelTests
{
    private static IEnumerable<TestCaseData> Cases() => KernelAssert.CasesOf<AnchorGrid>();

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReference(OpCase c)
    {
        var op = (AnchorGrid)c.Op;
        var expected = KernelAssert.Expected(c);
        int h = c.Inputs[0].Shape[2], w = c.Inputs[0].Shape[3];
        using var cellAnchors = HostBuffer.Of<float>(op.CellAnchors);
        using var y = HostBuffer.Floats(expected.Length);
        var p = new AnchorGridParams { CellAnchors = cellAnchors.Address, Y = y.Address, H = h, W = w, A = op.NumCellAnchors, Stride = op.Stride, Offset = op.Offset };
        HostKernels.Launch("d2_anchor_grid", LaunchShapes.Elementwise((long)h * w * op.NumCellAnchors), p);
        KernelAssert.Exact(y.ToFloats(), expected.Data, c.Name);
    }
}
