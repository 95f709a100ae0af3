using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// A kernel checked bit for bit against the reference backend on the harness's cases of
/// <typeparamref name="TOp"/>; each fixture says how to launch it on the host and adds its odd cases.
/// </summary>
public abstract class ExactKernelTests<TOp> where TOp : Op
{
    protected static IEnumerable<TestCaseData> HarnessCases() => KernelAssert.CasesOf<TOp>();

    [TestCaseSource(nameof(HarnessCases))]
    public void MatchesTheReference(OpCase c) =>
        KernelAssert.Exact(Run((TOp)c.Op, c.Inputs, c.Parameters), KernelAssert.Expected(c).Data, c.Name);

    /// <summary>The kernel through the emulator on NCHW harness tensors: the output as the reference lays it out.</summary>
    private protected abstract float[] Run(TOp op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters);
}
