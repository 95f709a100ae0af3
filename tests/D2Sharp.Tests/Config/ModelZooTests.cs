using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>Detectron2's model-zoo table: names, URLs, and the configs they belong to.</summary>
[TestFixture]
public class ModelZooTests
{
    [TestCase("COCO-Detection/faster_rcnn_R_50_FPN_3x")]
    [TestCase("COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml")]
    [TestCase("configs/COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml")]
    public void AConfigNameGivesItsCheckpointUrl(string name) =>
        Assert.That(ModelZoo.CheckpointUrl(name),
            Is.EqualTo("https://dl.fbaipublicfiles.com/detectron2/COCO-Detection/faster_rcnn_R_50_FPN_3x/137849458/model_final_280758.pkl"));

    [Test]
    public void TheTableHoldsDetectron2sSixtyFourCheckpoints()
    {
        Assert.That(ModelZoo.Names, Has.Count.EqualTo(64).And.Unique);
        Assert.That(ModelZoo.CheckpointUrl("Misc/cascade_mask_rcnn_X_152_32x8d_FPN_IN5k_gn_dconv"), Does.EndWith("/18131413/model_0039999_e76410.pkl"));
        Assert.That(ModelZoo.CheckpointUrl("COCO-Detection/faster_rcnn_R_50_FPN_2x"), Is.Null);
    }

    [Test]
    public void EveryZooNameIsADetectron2YamlConfigOrMarkedAsALazyConfig()
    {
        string configs = TestPaths.Detectron2Configs;
        Assert.That(ModelZoo.Names.Where(n => !ModelZoo.IsLazyConfig(n) && !File.Exists(Path.Combine(configs, n + ".yaml"))), Is.Empty);
        Assert.That(ModelZoo.Names.Count(ModelZoo.IsLazyConfig), Is.EqualTo(12), "Detectron2's new_baselines are .py files");
    }
}
