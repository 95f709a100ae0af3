using D2Sharp.Config;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Tests.Config;

/// <summary>YAML is typed as PyYAML (YAML 1.1) types it, and _BASE_ chains merge as fvcore merges them.</summary>
[TestFixture]
public class YamlReadingTests
{
    private TempConfigFiles _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    private static object? Scalar(string yaml) =>
        ((YamlMapping)YamlFileReader.ReadText("v: " + yaml + "\n", "test.yaml")!).Single().Value.Value;

    [TestCase("12", 12L)]
    [TestCase("-0", 0L)]
    [TestCase("010", 8L)]
    [TestCase("0x1F", 31L)]
    [TestCase("0b11", 3L)]
    [TestCase("1_000", 1000L)]
    [TestCase("1:30", 90L)]
    [TestCase("1.5", 1.5)]
    [TestCase("1.", 1.0)]
    [TestCase(".5", 0.5)]
    [TestCase("1.0e+3", 1000.0)]
    [TestCase("1:30.5", 90.5)]
    [TestCase("yes", true)]
    [TestCase("Off", false)]
    [TestCase("TRUE", true)]
    [TestCase("1e-3", "1e-3")]
    [TestCase("1.0e3", "1.0e3")]
    [TestCase("'12'", "12")]
    [TestCase("\"true\"", "true")]
    [TestCase("!!str 12", "12")]
    [TestCase("!!float 1", 1.0)]
    [TestCase("BGR", "BGR")]
    [TestCase("(800,)", "(800,)")]
    public void ScalarsAreTypedAsPyYamlTypesThem(string yaml, object expected)
    {
        object? value = Scalar(yaml);

        Assert.That(value, Is.EqualTo(expected));
        Assert.That(value!.GetType(), Is.EqualTo(expected.GetType()));
    }

    [TestCase("")]
    [TestCase("~")]
    [TestCase("null")]
    [TestCase("Null")]
    public void NullScalars(string yaml) => Assert.That(Scalar(yaml), Is.Null);

    [Test]
    public void SpecialFloats()
    {
        Assert.That(Scalar(".inf"), Is.EqualTo(double.PositiveInfinity));
        Assert.That(Scalar("-.Inf"), Is.EqualTo(double.NegativeInfinity));
        Assert.That(Scalar(".NaN"), Is.NaN);
    }

    [Test]
    public void AliasesRepeatTheAnchoredValue()
    {
        var root = (YamlMapping)YamlFileReader.ReadText("a: &x [1.0, 2.0]\nb: *x\n", "test.yaml")!;

        root.TryGetValue("b", out YamlEntry b);
        Assert.That(b.Value, Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void YamlStringsAreLiteralEvaluatedWhenMerged()
    {
        string path = _files.Write("c.yaml",
            "DATASETS:\n  TRAIN: (\"coco_2017_train\",)\n  TEST: ['(a)', 'b']\nMODEL:\n  RESNETS:\n    DEPTH: '101'\n  DEVICE: cpu\n");

        CfgNode cfg = ConfigLoader.Load(path);

        Assert.That(cfg.GetStringList("DATASETS.TRAIN"), Is.EqualTo(new[] { "coco_2017_train" }));
        Assert.That(cfg.GetStringList("DATASETS.TEST"), Is.EqualTo(new[] { "(a)", "b" }), "strings inside lists are kept as written");
        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(101), "a quoted '101' is still literal-evaluated by yacs");
        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cpu"));
    }

    [Test]
    public void BaseChainMergesMappingsAndReplacesLists()
    {
        _files.Write("configs/Base.yaml",
            "MODEL:\n  RESNETS:\n    DEPTH: 101\n    OUT_FEATURES: [\"res2\", \"res3\", \"res4\", \"res5\"]\n  DEVICE: cpu\nSOLVER:\n  STEPS: (1, 2, 3)\n");
        _files.Write("configs/Other.yaml", "MODEL:\n  DEVICE: cuda:1\n  MASK_ON: True\n");
        string top = _files.Write("configs/sub/top.yaml",
            "_BASE_: [\"../Base.yaml\", \"../Other.yaml\"]\nMODEL:\n  RESNETS:\n    OUT_FEATURES: [\"res4\"]\nSOLVER:\n  STEPS: (7,)\n");

        CfgNode cfg = ConfigLoader.Load(top);

        Assert.That(cfg.GetInt("MODEL.RESNETS.DEPTH"), Is.EqualTo(101), "kept from the base: mappings merge");
        Assert.That(cfg.GetStringList("MODEL.RESNETS.OUT_FEATURES"), Is.EqualTo(new[] { "res4" }), "lists replace");
        Assert.That(cfg.GetIntList("SOLVER.STEPS"), Is.EqualTo(new[] { 7 }));
        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cuda:1"), "later bases win over earlier ones");
        Assert.That(cfg.GetBool("MODEL.MASK_ON"), Is.True);
    }

    [Test]
    public void NoneReplacesAndIsReplacedByAnyPlainValue()
    {
        string path = _files.Write("c.yaml", "SOLVER:\n  WEIGHT_DECAY_BIAS: 0.0\nMODEL:\n  WEIGHTS: ~\n");

        CfgNode cfg = ConfigLoader.Load(path);

        Assert.That(cfg.GetDouble("SOLVER.WEIGHT_DECAY_BIAS"), Is.EqualTo(0.0));
        Assert.That(cfg.GetValue("MODEL.WEIGHTS"), Is.Null);
    }

    [Test]
    public void ListsAndTuplesConvertIntoEachOther()
    {
        string path = _files.Write("c.yaml", "INPUT:\n  MIN_SIZE_TRAIN: [600, 700]\nMODEL:\n  PIXEL_STD: (2.0, 2.0, 2.0)\n");

        CfgNode cfg = ConfigLoader.Load(path);

        Assert.That(cfg.GetIntList("INPUT.MIN_SIZE_TRAIN"), Is.EqualTo(new[] { 600, 700 }));
        Assert.That(cfg.GetDoubleList("MODEL.PIXEL_STD"), Is.EqualTo(new[] { 2.0, 2.0, 2.0 }));
    }

    [Test]
    public void PythonTupleTagIsAList()
    {
        string path = _files.Write("c.yaml", "SOLVER:\n  STEPS: !!python/tuple [5, 6]\n");

        Assert.That(ConfigLoader.Load(path).GetIntList("SOLVER.STEPS"), Is.EqualTo(new[] { 5, 6 }));
    }
}
