using D2Sharp.Tests.EndToEnd;

namespace D2Sharp.Tests.Cuda;

/// <summary>
/// The detection fixtures on <c>--device cuda</c>: the backbone and the heads' convolutions on the
/// GPU, the ops without a CUDA kernel on the CPU (HybridBackend), checked stage by stage against
/// Detectron2 as on the CPU. A fixture missing here (the GPU check carries only some) is ignored.
/// </summary>
[TestFixture, Category("Cuda")]
public class CudaDetectionTests
{
    [TestCase("det_faster_rcnn_r50_fpn")]
    [TestCase("det_mask_rcnn_r50_fpn")]
    [TestCase("det_faster_rcnn_r50_c4")]
    public void EveryStageMatchesDetectron2OnTheGpu(string caseName)
    {
        CudaRequirement.Require();
        RequireFixture(caseName);
        DetectionsFixtureTests.AssertEveryStageMatches(caseName, "cuda");
    }

    [Test]
    public void RetinaNetMatchesDetectron2OnTheGpu()
    {
        CudaRequirement.Require();
        RequireFixture("det_retinanet_r50");
        DetectionsFixtureTests.AssertRetinaNetMatches("cuda");
    }

    private static void RequireFixture(string caseName)
    {
        if (!File.Exists(TestPaths.Fixture(caseName, "case.json"))) Assert.Ignore($"fixture {caseName} is not in this checkout");
    }
}
