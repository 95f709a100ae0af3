using System.Text;
using D2Sharp.Backends.Cuda;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>The PTX the engine embeds: every kernel file, the best target per compute capability.</summary>
[TestFixture]
public class KernelPtxTests
{
    private static void RequirePtx()
    {
        if (KernelPtx.Stems.Count == 0) Assert.Ignore("CUDA kernels absent: the engine was built without nvcc and without kernels/ptx/");
    }

    [Test]
    public void EveryKernelFileIsEmbedded()
    {
        RequirePtx();
        var sources = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "kernels"), "*.cu").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.That(KernelPtx.Stems, Is.EqualTo(sources));
    }

    [TestCase(9, 0, "sm_90")]
    [TestCase(10, 0, "sm_90")]
    [TestCase(8, 9, "sm_80")]
    [TestCase(8, 0, "sm_80")]
    public void LoadsTheNewestTargetTheDeviceRuns(int major, int minor, string target)
    {
        RequirePtx();
        var ptx = KernelPtx.Load("elementwise", major, minor)!;
        Assert.That(ptx[^1], Is.Zero, "NUL-terminated");
        var text = Encoding.ASCII.GetString(ptx, 0, ptx.Length - 1);
        Assert.That(text, Does.Contain($".target {target}"));
        Assert.That(text, Does.Contain(".entry d2_relu"));
    }

    [Test]
    public void NothingForDevicesBeforeAmpereOrUnknownStems()
    {
        RequirePtx();
        Assert.That(KernelPtx.Load("elementwise", 7, 5), Is.Null);
        Assert.That(KernelPtx.Load("no_such_kernel", 9, 0), Is.Null);
    }
}
