using System.Text;
using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>
/// YAML configs are untrusted input: alias bombs, huge or deeply nested documents, bytes that are
/// not UTF-8 and tab indentation fail with a <see cref="ConfigException"/> naming the file and the
/// line, within <see cref="ConfigLoadOptions"/>' limits. (The corpus in tests/hostile/config
/// checks the same with the default limits and bounded allocation.)
/// </summary>
[TestFixture]
public class HostileYamlTests
{
    private TempConfigFiles _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    /// <summary>Nine levels of ten aliases each: 10^9 scalars once expanded, a few hundred bytes written.</summary>
    private static string BillionLaughs()
    {
        var text = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level <= 9; level++)
            text.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))}]\n");
        return text.ToString();
    }

    [Test]
    public void AnAliasBombIsRefusedAtTheAliasThatExceedsTheNodeBudget()
    {
        string path = _files.Write("bomb.yaml", BillionLaughs());

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        // a3 is 11,111 nodes, and a4's eighth alias of it passes 100,000 in all.
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"{path}, line 5, key 'a4': the alias '*a3' repeats 11,111 nodes")
            .And.Contain("100,000 YAML nodes (ConfigLoadOptions.MaxNodes"));
    }

    [Test]
    public void AnAliasCountsAsTheNodesItRepeats()
    {
        // Root mapping, MODEL and its mapping: 3; PIXEL_MEAN, its list and items: 5; PIXEL_STD: 1, its alias: 4. 13 nodes.
        string path = _files.Write("shared.yaml", "MODEL:\n  PIXEL_MEAN: &m [1.0, 2.0, 3.0]\n  PIXEL_STD: *m\n");

        Assert.That(ConfigLoader.Load(path, null, new ConfigLoadOptions { MaxNodes = 13 }).GetDoubleList("MODEL.PIXEL_STD"),
            Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, null, new ConfigLoadOptions { MaxNodes = 12 }))!;
        Assert.That(e.Message, Does.StartWith($"{path}, line 3, key 'MODEL.PIXEL_STD': the alias '*m' repeats 4 nodes"));
    }

    [Test]
    public void AValueInAMessageIsCutShort()
    {
        string items = string.Join(", ", Enumerable.Range(0, 1000));
        string path = _files.Write("long.yaml", $"MODEL:\n  DEVICE: [{items}]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("given list ([0, 1, 2, 3").And.Contain("...)"));
        Assert.That(e.Message, Has.Length.LessThan(600));
    }

    [Test]
    public void NestingDeeperThanTheLimitIsRefusedWithItsLine()
    {
        var text = new StringBuilder();
        for (int level = 0; level < 70; level++) text.Append(' ', 2 * level).Append($"K{level}:\n");
        string path = _files.Write("deep.yaml", text.ToString());

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        // The root mapping is the first level, K0's the second (starting on line 2), K63's the 65th.
        Assert.That(e.Message, Does.StartWith($"{path}, line 65, key 'K0.K1.K2.").And.Contain("nest more than 64 deep (ConfigLoadOptions.MaxDepth)"));
    }

    [Test]
    public void DeepFlowListsAreRefusedToo()
    {
        string path = _files.Write("deep.yaml", "MODEL:\n  DEVICE: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, null, new ConfigLoadOptions { MaxDepth = 8 }))!;

        Assert.That(e.Message, Does.StartWith($"{path}, line 2, key 'MODEL.DEVICE'").And.Contain("nest more than 8 deep"));
    }

    [Test]
    public void ABaseChainDeeperThanTheLimitIsRefused()
    {
        for (int i = 0; i < 5; i++) _files.Write($"c{i}.yaml", $"_BASE_: c{i + 1}.yaml\n");
        _files.Write("c5.yaml", "VERSION: 2\n");

        Assert.That(ConfigLoader.Load(Path.Combine(_files.Root, "c0.yaml"), null, new ConfigLoadOptions { MaxDepth = 6 }), Is.Not.Null);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(_files.Root, "c0.yaml"), null, new ConfigLoadOptions { MaxDepth = 5 }))!;
        Assert.That(e.Message, Does.StartWith("_BASE_ chain of more than 5 files (ConfigLoadOptions.MaxDepth)").And.EndWith("c5.yaml"));
    }

    [Test]
    public void AFileOverTheByteLimitIsRefusedBeforeItIsRead()
    {
        string path = _files.Write("big.yaml", "MODEL:\n  DEVICE: " + new string('x', 2000) + "\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, null, new ConfigLoadOptions { MaxBytes = 1000 }))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Is.EqualTo($"Config file '{path}' is 2,018 bytes: too large for a config (one load reads at most 1,000 bytes; see ConfigLoadOptions.MaxBytes)."));
    }

    [Test]
    public void TheByteLimitCoversTheWholeBaseChain()
    {
        _files.Write("base.yaml", "MODEL:\n  DEVICE: " + new string('x', 600) + "\n");
        string top = _files.Write("top.yaml", "_BASE_: [base.yaml, base.yaml]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top, null, new ConfigLoadOptions { MaxBytes = 1000 }))!;

        Assert.That(e.Message, Does.Contain("(one load reads at most 1,000 bytes, 649 of them already read from its _BASE_ chain"));
    }

    [Test]
    public void AStreamWithoutASizeIsCutAtTheLimit()
    {
        Assume.That(File.Exists("/dev/zero"), "needs /dev/zero");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/dev/zero", null, new ConfigLoadOptions { MaxBytes = 100_000 }))!;

        Assert.That(e.Message, Does.StartWith("Config file '/dev/zero' holds more than the 100,000 bytes left"));
    }

    [Test]
    public void BytesThatAreNotUtf8AreRefusedWithTheirOffsetAndLine()
    {
        string path = Path.Combine(_files.Root, "latin1.yaml");
        File.WriteAllBytes(path, [.. "MODEL:\n  DEVICE: caf"u8, 0xE9, .. "\n"u8]);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Is.EqualTo($"Config file '{path}' is not valid UTF-8: byte 0xE9 at byte offset 20 (line 2) does not decode."));
    }

    [Test]
    public void Utf16IsRefusedWithAHint()
    {
        string path = Path.Combine(_files.Root, "utf16.yaml");
        File.WriteAllText(path, "VERSION: 2\n", Encoding.Unicode);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.Message, Does.Contain("byte offset 0 (line 1)").And.Contain("UTF-16 byte-order mark; save it as UTF-8"));
    }

    [Test]
    public void AUtf8ByteOrderMarkIsAccepted()
    {
        string path = Path.Combine(_files.Root, "bom.yaml");
        File.WriteAllText(path, "MODEL:\n  DEVICE: café\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.That(ConfigLoader.Load(path).GetString("MODEL.DEVICE"), Is.EqualTo("café"));
    }

    [TestCase("MODEL:\n\tDEVICE: cpu\n", 2)]
    [TestCase("VERSION: 2\nINPUT:\n  MIN_SIZE_TRAIN:\n  - 640\n\t- 800\n", 5)]
    public void TabIndentationIsNamedWithItsLine(string yaml, int line)
    {
        string path = _files.Write("tabs.yaml", yaml);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Is.EqualTo($"Invalid YAML in '{path}' at line {line}: tabs are not allowed for indentation in YAML; indent with spaces."));
    }

    [Test]
    public void ATabAfterAColonIsFine()
    {
        string path = _files.Write("tab.yaml", "MODEL:\n  DEVICE:\tcpu\n");

        Assert.That(ConfigLoader.Load(path).GetString("MODEL.DEVICE"), Is.EqualTo("cpu"));
    }

    [Test]
    public void TheLimitsMustBePositive()
    {
        string path = _files.Write("ok.yaml", "VERSION: 2\n");

        Assert.Throws<ArgumentOutOfRangeException>(() => ConfigLoader.Load(path, null, new ConfigLoadOptions { MaxNodes = 0 }));
    }
}
