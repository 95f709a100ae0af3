using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>A config path that is missing, a folder or unreadable gives a <see cref="ConfigException"/> naming it.</summary>
[TestFixture]
public class ConfigFileErrorTests
{
    private TempConfigFiles _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    [Test]
    public void AFolderIsNotAConfig()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_files.Root))!;

        Assert.That(e.File, Is.EqualTo(_files.Root));
        Assert.That(e.Message, Is.EqualTo($"Config file '{_files.Root}' is a folder, not a YAML file."));
    }

    [Test]
    public void AFolderAsABaseNamesTheChain()
    {
        Directory.CreateDirectory(Path.Combine(_files.Root, "sub"));
        string top = _files.Write("top.yaml", "_BASE_: sub\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top))!;

        Assert.That(e.Key, Is.EqualTo("_BASE_"));
        Assert.That(e.Message, Does.Contain("is a folder, not a YAML file (named in _BASE_ of " + top + ")."));
    }

    [Test]
    public void AnUnreadableFileIsNamed()
    {
        string path = _files.Write("secret.yaml", "VERSION: 2\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.None);
        Assume.That(() => File.ReadAllBytes(path), Throws.InstanceOf<UnauthorizedAccessException>(), "needs Unix permissions, and a user that is not root");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;

        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"Cannot read config file '{path}':"));
    }

    /// <summary>Opens, then fails to read (address 0 is not mapped): an I/O error even for root.</summary>
    [Test]
    public void AFileThatFailsWhileReadingIsNamed()
    {
        Assume.That(File.Exists("/proc/self/mem"), "Linux's /proc");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/proc/self/mem"))!;

        Assert.That(e.File, Is.EqualTo("/proc/self/mem"));
        Assert.That(e.Message, Does.StartWith("Cannot read config file '/proc/self/mem':"));
    }
}
