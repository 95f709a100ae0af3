using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>Bad configs fail with a <see cref="ConfigException"/> that names the key, the file and what is wrong.</summary>
[TestFixture]
public class ConfigErrorTests
{
    private TempConfigFiles _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    [Test]
    public void UnknownKeyInAFileNamesTheKeyTheFileAndTheClosestKeys()
    {
        string path = _files.Write("bad.yaml", "MODEL:\n  RESNETS:\n    DEPTH: 101\n    NUM_GROUP: 32\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Key, Is.EqualTo("MODEL.RESNETS.NUM_GROUP"));
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("Unknown config key 'MODEL.RESNETS.NUM_GROUP'"));
        Assert.That(e.Message, Does.Contain($"{path}, line 4"));
        Assert.That(e.Message, Does.Contain("Closest known keys: MODEL.RESNETS.NUM_GROUPS"));
    }

    [Test]
    public void UnknownKeyInABaseFileNamesTheBaseAndTheIncludingFile()
    {
        string basePath = _files.Write("base.yaml", "MODEL:\n  FPN:\n    OUTCHANNELS: 8\n");
        string path = _files.Write("top.yaml", "_BASE_: base.yaml\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(basePath));
        Assert.That(e.Message, Does.Contain("MODEL.FPN.OUTCHANNELS").And.Contain($"a _BASE_ of {path}"));
        Assert.That(e.Message, Does.Contain("Closest known keys: MODEL.FPN.OUT_CHANNELS"));
    }

    [Test]
    public void UnknownSectionInOpts()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(ConfigDefaults.Create(), ["MODEL.RESNET.DEPTH", "101"]))!;

        Assert.That(e.Key, Is.EqualTo("MODEL.RESNET.DEPTH"));
        Assert.That(e.Message, Does.Contain("Closest known keys: MODEL.RESNETS.DEPTH"));
    }

    /// <summary>Detectron2's keys are upper case; a lower-case key is refused as Detectron2 refuses it, with the right key first.</summary>
    [Test]
    public void ALowerCaseKeyIsSuggestedInUpperCase()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(ConfigDefaults.Create(), ["model.resnets.depth", "101"]))!;

        Assert.That(e.Message, Does.Contain("Closest known keys: MODEL.RESNETS.DEPTH,"));
    }

    [Test]
    public void WrongTypeInAFileNamesExpectedAndGivenTypes()
    {
        string path = _files.Write("bad.yaml", "SOLVER:\n  BASE_LR: 1\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Key, Is.EqualTo("SOLVER.BASE_LR"));
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("expected float (current value 0.001), given int (1)"));
    }

    [TestCase("MODEL.RESNETS.DEPTH", "101.0", "expected int (current value 50), given float (101.0)")]
    [TestCase("MODEL.RESNETS.STRIDE_IN_1X1", "1", "expected bool (current value True), given int (1)")]
    [TestCase("INPUT.MIN_SIZE_TRAIN", "800", "expected list (current value [800]), given int (800)")]
    [TestCase("MODEL.RESNETS", "3", "expected CfgNode")]
    public void WrongTypeInOpts(string key, string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(ConfigDefaults.Create(), [key, value]))!;

        Assert.That(e.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void MappingWhereAValueIsExpected()
    {
        string path = _files.Write("bad.yaml", "MODEL:\n  DEVICE:\n    X: 1\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("expected str (current value 'cuda'), given a mapping of keys"));
    }

    [Test]
    public void MissingBaseFileNamesTheChain()
    {
        string middle = _files.Write("sub/middle.yaml", "_BASE_: ../missing.yaml\n");
        string top = _files.Write("top.yaml", "_BASE_: sub/middle.yaml\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top))!;

        string missing = Path.Combine(_files.Root, "missing.yaml");
        Assert.That(e.File, Is.EqualTo(missing));
        Assert.That(e.Message, Is.EqualTo($"Config file '{missing}' does not exist (named in _BASE_ of {top} -> {middle})."));
    }

    [Test]
    public void MissingTopFile()
    {
        string path = Path.Combine(_files.Root, "nope.yaml");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Is.EqualTo($"Config file '{path}' does not exist."));
    }

    [Test]
    public void BaseCycleNamesTheChain()
    {
        string a = _files.Write("a.yaml", "_BASE_: b.yaml\n");
        string b = _files.Write("b.yaml", "_BASE_: [a.yaml]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a))!;

        Assert.That(e.Message, Is.EqualTo($"_BASE_ cycle: {a} -> {b} -> {a}"));
        Assert.That(e.File, Is.EqualTo(b));
    }

    [TestCase("__import__('os')", "a function call is not supported")]
    [TestCase("[x.real for x in [1]]", "found '.'")]
    [TestCase("[y for x in [1]]", "name 'y' is not defined")]
    [TestCase("1 / 0", "division by zero")]
    [TestCase("[x for x in 3]", "must iterate over a list or tuple, not int")]
    [TestCase("{1: 2}", "a set or dict is not supported")]
    [TestCase("[1, 2] + [3]", "unsupported operand types for +: 'list' and 'list'")]
    public void BadEvalExpressionIsRefused(string expression, string message)
    {
        string path = _files.Write("bad.yaml", $"MODEL:\n  ANCHOR_GENERATOR:\n    SIZES: !!python/object/apply:eval [\"{expression}\"]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Key, Is.EqualTo("MODEL.ANCHOR_GENERATOR.SIZES"));
        Assert.That(e.Message, Does.Contain($"cannot evaluate \"{expression}\"").And.Contain(message));
    }

    [Test]
    public void OtherPythonTagsAreRefused()
    {
        string path = _files.Write("bad.yaml", "MODEL:\n  WEIGHTS: !!python/object/apply:os.system [\"true\"]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"));
    }

    [Test]
    public void OddOptsAreRefused()
    {
        var e = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Load(_files.Write("ok.yaml", "VERSION: 2\n"), ["MODEL.RESNETS.DEPTH", "101", "MODEL.DEVICE"]))!;

        Assert.That(e.Message, Does.StartWith("Override list has odd length 3"));
        Assert.That(e.Message, Does.Contain("MODEL.DEVICE"));
    }

    [Test]
    public void BaseKeyInOptsIsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(ConfigDefaults.Create(), ["_BASE_", "x.yaml"]))!;

        Assert.That(e.Message, Does.Contain("can only be used in files"));
    }

    [TestCase("{'a': 1}", "dict")]
    [TestCase("{1, 2}", "set")]
    [TestCase("b'x'", "bytes")]
    [TestCase("1+2j", "complex")]
    [TestCase("[1, 99999999999999999999]", "int beyond 64 bits")]
    public void LiteralsAConfigCannotHoldAreRefused(string value, string type)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(ConfigDefaults.Create(), ["MODEL.DEVICE", value]))!;

        Assert.That(e.Message, Does.Contain($"is a Python {type}"));
    }

    [Test]
    public void NewerVersionIsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_files.Write("v3.yaml", "VERSION: 3\n")))!;

        Assert.That(e.Message, Does.Contain("cannot merge a v3 config into a v2 config"));
    }

    [TestCase("VERSION: 1\n", "is a v1 config")]
    [TestCase("MODEL:\n  WEIGHT: x.pkl\n", "has no VERSION and sets MODEL.WEIGHT")]
    public void OlderVersionIsRefusedWithAnExplanation(string yaml, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_files.Write("old.yaml", yaml)))!;

        Assert.That(e.Message, Does.Contain(message).And.Contain("compat.py"));
    }

    [Test]
    public void FailedMergeLeavesTheConfigUnchanged()
    {
        CfgNode cfg = ConfigDefaults.Create();
        string path = _files.Write("half.yaml", "MODEL:\n  DEVICE: cpu\n  NOPE: 1\n");

        Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromFile(cfg, path));
        Assert.Throws<ConfigException>(() => ConfigLoader.MergeFromList(cfg, ["MODEL.DEVICE", "cpu", "MODEL.NOPE", "1"]));

        Assert.That(cfg.ContentEquals(ConfigDefaults.Create()), Is.True);
    }

    [Test]
    public void InvalidYamlNamesFileAndLine()
    {
        string path = _files.Write("bad.yaml", "MODEL:\n  DEVICE: [cpu\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"Invalid YAML in '{path}' at line"));
    }

    [Test]
    public void BaseCannotBeInheritedIntoAValue()
    {
        _files.Write("base.yaml", "MODEL:\n  DEVICE: cpu\n");
        string path = _files.Write("top.yaml", "_BASE_: base.yaml\nMODEL:\n  DEVICE:\n    X: 1\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("cannot inherit key 'DEVICE' from base"));
    }

    [Test]
    public void TimestampsAreNotConfigValues()
    {
        string path = _files.Write("bad.yaml", "OUTPUT_DIR: 2024-01-02\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Key, Is.EqualTo("OUTPUT_DIR"));
        Assert.That(e.Message, Does.Contain("tag:yaml.org,2002:timestamp"));
    }
}
