using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

[TestFixture]
public class CfgNodeTests
{
    [Test]
    public void TypedGettersReadTheDefaults()
    {
        CfgNode cfg = ConfigDefaults.Create();

        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(50));
        Assert.That(cfg.GetDouble("MODEL.ANCHOR_GENERATOR.OFFSET"), Is.EqualTo(0.0));
        Assert.That(cfg.GetDouble("MODEL.RESNETS.DEPTH"), Is.EqualTo(50.0), "an int is accepted as a float");
        Assert.That(cfg.GetBool("MODEL.RESNETS.STRIDE_IN_1X1"), Is.True);
        Assert.That(cfg.GetString("INPUT.FORMAT"), Is.EqualTo("BGR"));
        Assert.That(cfg.GetDoubleList("MODEL.PIXEL_MEAN"), Is.EqualTo(new[] { 103.530, 116.280, 123.675 }));
        Assert.That(cfg.GetIntList("MODEL.ROI_KEYPOINT_HEAD.CONV_DIMS"), Is.EqualTo(Enumerable.Repeat(512, 8)));
        Assert.That(cfg.GetDoubleLists("MODEL.ANCHOR_GENERATOR.SIZES"), Is.EqualTo(new[] { new[] { 32.0, 64, 128, 256, 512 } }));
        Assert.That(cfg.GetDouble("SOLVER.WARMUP_FACTOR"), Is.EqualTo(0.001));
        Assert.That(cfg.GetValue("SOLVER.WEIGHT_DECAY_BIAS"), Is.Null);
        Assert.That(cfg.GetNode("MODEL").GetInt("RESNETS.DEPTH"), Is.EqualTo(50));
        Assert.That(cfg.GetNode("MODEL.RESNETS").KeyPath, Is.EqualTo("MODEL.RESNETS"));
    }

    [Test]
    public void D2SharpKeysDefaultToDetectron2sBehaviour()
    {
        CfgNode cfg = ConfigDefaults.Create();

        Assert.That(ConfigDefaults.D2SharpKeys, Is.EquivalentTo(new[] { "MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS_FLIP", "MODEL.FPN.UPSAMPLE_MODE" }));
        Assert.That(cfg.GetBool("MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS_FLIP"), Is.False);
        Assert.That(cfg.GetString("MODEL.FPN.UPSAMPLE_MODE"), Is.EqualTo("nearest"));
    }

    [Test]
    public void EveryDefaultKeyIsDescribed()
    {
        string[] keys = ConfigDefaults.Create().AllKeys().ToArray();

        Assert.That(keys, Has.Length.EqualTo(219 + 2), "Detectron2's 219 sections and values, and the two D2Sharp keys");
        Assert.That(keys.Where(key => string.IsNullOrWhiteSpace(ConfigDefaults.Describe(key))), Is.Empty);
        Assert.That(ConfigDefaults.Describe("MODEL.RESNETS.NOPE"), Is.Null);
    }

    [Test]
    public void GetterOfTheWrongTypeNamesExpectedAndGiven()
    {
        CfgNode cfg = ConfigDefaults.Create();

        var e = Assert.Throws<ConfigException>(() => cfg.GetInt("INPUT.FORMAT"))!;
        Assert.That(e.Key, Is.EqualTo("INPUT.FORMAT"));
        Assert.That(e.Message, Is.EqualTo("Config key 'INPUT.FORMAT' should be int, but holds str 'BGR'."));

        e = Assert.Throws<ConfigException>(() => cfg.GetNode("MODEL").GetBool("PIXEL_MEAN"))!;
        Assert.That(e.Key, Is.EqualTo("MODEL.PIXEL_MEAN"), "keys read through a section are named from the root");
        Assert.That(e.Message, Does.Contain("should be bool, but holds list [103.53, 116.28, 123.675]"));

        Assert.That(() => cfg.GetIntList("MODEL.PIXEL_MEAN"), Throws.TypeOf<ConfigException>().With.Message.Contains("should be list of int"));
        Assert.That(() => cfg.GetString("SOLVER.WEIGHT_DECAY_BIAS"), Throws.TypeOf<ConfigException>().With.Message.Contains("holds NoneType None"));
        Assert.That(() => cfg.GetInt("MODEL.RESNETS.STRIDE_IN_1X1"), Throws.TypeOf<ConfigException>(), "a bool is not an int");
    }

    [Test]
    public void MissingKeyNamesTheClosestKeys()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigDefaults.Create().GetValue("MODEL.RESNETS.DEPT"))!;

        Assert.That(e.Key, Is.EqualTo("MODEL.RESNETS.DEPT"));
        Assert.That(e.Message, Does.StartWith("Config key 'MODEL.RESNETS.DEPT' does not exist. Closest known keys: MODEL.RESNETS.DEPTH"));
        Assert.That(ConfigDefaults.Create().ContainsKey("MODEL.RESNETS.DEPT"), Is.False);
        Assert.That(ConfigDefaults.Create().ContainsKey("MODEL.RESNETS"), Is.True);
    }

    [Test]
    public void SetChecksTypesAsYacs()
    {
        CfgNode cfg = ConfigDefaults.Create();

        cfg.Set("MODEL.RESNETS.DEPTH", 101);
        cfg.Set("MODEL.PIXEL_STD", new[] { 57.375, 57.12, 58.395 });
        cfg.Set("INPUT.MIN_SIZE_TRAIN", new List<int> { 640, 800 });
        cfg.Set("SOLVER.WEIGHT_DECAY_BIAS", 0.0);
        cfg.Set("MODEL.WEIGHTS", null);
        cfg.Set("MODEL.DEVICE", "(1,)");

        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(101));
        Assert.That(cfg.GetValue("MODEL.RESNETS.DEPTH"), Is.TypeOf<long>());
        Assert.That(cfg.GetDoubleList("MODEL.PIXEL_STD"), Is.EqualTo(new[] { 57.375, 57.12, 58.395 }));
        Assert.That(cfg.GetIntList("INPUT.MIN_SIZE_TRAIN"), Is.EqualTo(new[] { 640, 800 }));
        Assert.That(cfg.GetDouble("SOLVER.WEIGHT_DECAY_BIAS"), Is.EqualTo(0.0));
        Assert.That(cfg.GetValue("MODEL.WEIGHTS"), Is.Null);
        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("(1,)"), "Set stores strings as given");

        Assert.That(() => cfg.Set("SOLVER.BASE_LR", 1), Throws.TypeOf<ConfigException>().With.Message.Contains("expected float"));
        Assert.That(() => cfg.Set("MODEL.RESNETS", 1), Throws.TypeOf<ConfigException>().With.Message.Contains("is a section"));
        Assert.That(() => cfg.Set("MODEL.NOPE", 1), Throws.TypeOf<ConfigException>().With.Message.Contains("does not exist"));
        Assert.That(() => cfg.Set("MODEL.DEVICE", DateTime.Now), Throws.TypeOf<ConfigException>().With.Message.Contains("cannot hold a DateTime"));
    }

    [Test]
    public void CloneIsDeep()
    {
        CfgNode cfg = ConfigDefaults.Create();
        CfgNode copy = cfg.Clone();

        copy.Set("MODEL.RESNETS.DEPTH", 101);
        ((List<object?>)copy.GetValue("MODEL.PIXEL_MEAN")!).Clear();

        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(50));
        Assert.That(copy.GetDoubleList("MODEL.PIXEL_MEAN"), Has.Count.EqualTo(3), "GetValue hands out a copy of a list");
        Assert.That(cfg.ContentEquals(ConfigDefaults.Create()), Is.True);
        Assert.That(copy.ContentEquals(cfg), Is.False);
    }

    [Test]
    public void AddExtendsTheDefaultsLikeDetectron2Projects()
    {
        CfgNode cfg = ConfigDefaults.Create();
        var pointRend = new CfgNode();
        pointRend.Add("NUM_POINTS", 196);

        cfg.Add("MODEL.POINT_HEAD", pointRend);
        cfg.Add("MODEL.POINT_HEAD.FC_DIM", 256);
        ConfigLoader.MergeFromList(cfg, ["MODEL.POINT_HEAD.NUM_POINTS", "28"]);

        Assert.That(cfg.GetInt("MODEL.POINT_HEAD.NUM_POINTS"), Is.EqualTo(28));
        Assert.That(cfg.GetNode("MODEL.POINT_HEAD").KeyPath, Is.EqualTo("MODEL.POINT_HEAD"));
        Assert.That(pointRend.ContainsKey("FC_DIM"), Is.False, "the section was copied in");
        Assert.That(() => cfg.Add("MODEL.DEVICE", "cpu"), Throws.TypeOf<ConfigException>().With.Message.Contains("already exists"));
    }

    [Test]
    public void EnumeratesChildrenInDefinitionOrder()
    {
        CfgNode cfg = ConfigDefaults.Create();

        Assert.That(cfg.Keys.First(), Is.EqualTo("VERSION"));
        Assert.That(cfg.GetNode("INPUT").Select(entry => entry.Key).Take(2), Is.EqualTo(new[] { "MIN_SIZE_TRAIN", "MIN_SIZE_TRAIN_SAMPLING" }));
        Assert.That(cfg.GetNode("INPUT.CROP").Count, Is.EqualTo(3));
    }
}
