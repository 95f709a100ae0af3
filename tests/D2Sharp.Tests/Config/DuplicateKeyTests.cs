using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>
/// A key written twice in one mapping keeps its last value, as PyYAML (and so Detectron2) keeps it,
/// with a warning naming the key and both lines; strict loading refuses it.
/// </summary>
[TestFixture]
public class DuplicateKeyTests
{
    private const string Twice = "MODEL:\n  DEVICE: cpu\n  MASK_ON: true\n  DEVICE: cuda:1\n";

    private TempConfigFiles _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    [Test]
    public void TheLastValueIsKeptWithAWarningNamingBothLines()
    {
        string path = _files.Write("twice.yaml", Twice);
        var warnings = new List<ConfigWarning>();

        CfgNode cfg = ConfigLoader.Load(path, null, new ConfigLoadOptions { OnWarning = warnings.Add });

        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cuda:1"));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            new ConfigWarning(
                $"{path}, line 4: key 'MODEL.DEVICE' is written twice in one mapping (lines 2 and 4); the later value is used, as in Detectron2.",
                path, 4, "MODEL.DEVICE"),
        }));
    }

    [Test]
    public void WithoutAHandlerTheWarningIsDropped()
    {
        string path = _files.Write("twice.yaml", Twice);

        Assert.That(ConfigLoader.Load(path).GetString("MODEL.DEVICE"), Is.EqualTo("cuda:1"));
    }

    [Test]
    public void StrictLoadingRefusesTheRepeatedKey()
    {
        string path = _files.Write("twice.yaml", Twice);
        var warnings = new List<ConfigWarning>();

        var e = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Load(path, null, new ConfigLoadOptions { Strict = true, OnWarning = warnings.Add }))!;

        Assert.That(e.Key, Is.EqualTo("MODEL.DEVICE"));
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"{path}, line 4: key 'MODEL.DEVICE' is written twice in one mapping (lines 2 and 4)")
            .And.EndWith("Strict loading (ConfigLoadOptions.Strict) refuses a repeated key."));
        Assert.That(warnings, Is.Empty, "an error, not also a warning");
    }

    [Test]
    public void ARepeatedSectionReplacesTheWholeSectionAsPyYamlDoes()
    {
        string path = _files.Write("twice.yaml", "MODEL:\n  DEVICE: cpu\nMODEL:\n  MASK_ON: true\n");
        var warnings = new List<ConfigWarning>();

        CfgNode cfg = ConfigLoader.Load(path, null, new ConfigLoadOptions { OnWarning = warnings.Add });

        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cuda"), "the first MODEL mapping is dropped whole");
        Assert.That(cfg.GetBool("MODEL.MASK_ON"), Is.True);
        Assert.That(warnings.Single().Message, Does.Contain("key 'MODEL' is written twice in one mapping (lines 1 and 3)"));
    }

    [Test]
    public void TheSameKeyInABaseAndInTheFileIsNoWarning()
    {
        _files.Write("base.yaml", "MODEL:\n  DEVICE: cpu\n");
        string path = _files.Write("top.yaml", "_BASE_: base.yaml\nMODEL:\n  DEVICE: cuda:1\n");
        var warnings = new List<ConfigWarning>();

        CfgNode cfg = ConfigLoader.Load(path, null, new ConfigLoadOptions { Strict = true, OnWarning = warnings.Add });

        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo("cuda:1"));
        Assert.That(warnings, Is.Empty);
    }
}
