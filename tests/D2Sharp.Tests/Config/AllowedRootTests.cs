using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>
/// <see cref="ConfigLoadOptions.AllowedRoot"/> keeps every file of a <c>_BASE_</c> chain inside one
/// folder, symbolic links resolved; the error names the chain.
/// </summary>
[TestFixture]
public class AllowedRootTests
{
    private TempConfigFiles _files = null!;

    private string Root => Path.Combine(_files.Root, "allowed");

    private ConfigLoadOptions Options => new() { AllowedRoot = Root };

    [SetUp]
    public void CreateFiles() => _files = new TempConfigFiles();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    [Test]
    public void AChainInsideTheRootLoads()
    {
        _files.Write("allowed/Base.yaml", "MODEL:\n  DEVICE: cpu\n");
        string top = _files.Write("allowed/sub/top.yaml", "_BASE_: ../Base.yaml\n");

        Assert.That(ConfigLoader.Load(top, null, Options).GetString("MODEL.DEVICE"), Is.EqualTo("cpu"));
    }

    [Test]
    public void ABaseOutsideTheRootIsRefusedNamingTheChain()
    {
        string outside = _files.Write("secret.yaml", "MODEL:\n  WEIGHTS: /secret/model.pkl\n");
        string middle = _files.Write("allowed/middle.yaml", "_BASE_: ../secret.yaml\n");
        string top = _files.Write("allowed/top.yaml", "_BASE_: middle.yaml\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top, null, Options))!;

        Assert.That(e.Key, Is.EqualTo("_BASE_"));
        Assert.That(e.File, Is.EqualTo(middle));
        Assert.That(e.Message, Is.EqualTo(
            $"_BASE_ chain leaves the allowed root '{Root}' (ConfigLoadOptions.AllowedRoot): {top} -> {middle} -> {outside}"));
    }

    [Test]
    public void AMissingBaseOutsideTheRootIsNotProbed()
    {
        string top = _files.Write("allowed/top.yaml", "_BASE_: ../../no/such/file.yaml\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top, null, Options))!;

        Assert.That(e.Message, Does.StartWith("_BASE_ chain leaves the allowed root"));
    }

    [Test]
    public void ATopFileOutsideTheRootIsRefused()
    {
        string path = _files.Write("elsewhere.yaml", "VERSION: 2\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, null, Options))!;

        Assert.That(e.Message, Is.EqualTo($"Config file '{path}' is outside the allowed root '{Root}' (ConfigLoadOptions.AllowedRoot)."));
    }

    [Test]
    public void ASymbolicLinkLeavingTheRootIsRefused()
    {
        string outside = _files.Write("secret.yaml", "MODEL:\n  DEVICE: cpu\n");
        Directory.CreateDirectory(Root);
        string link = Path.Combine(Root, "innocent.yaml");
        File.CreateSymbolicLink(link, outside);
        string top = _files.Write("allowed/top.yaml", "_BASE_: innocent.yaml\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top, null, Options))!;

        Assert.That(e.Message, Is.EqualTo(
            $"_BASE_ chain leaves the allowed root '{Root}' (ConfigLoadOptions.AllowedRoot) ('{link}' resolves to '{outside}'): {top} -> {link}"));
    }

    [Test]
    public void ALinkedFolderInsideTheRootIsFine()
    {
        _files.Write("allowed/real/Base.yaml", "MODEL:\n  DEVICE: cpu\n");
        Directory.CreateSymbolicLink(Path.Combine(Root, "linked"), "real");
        string top = _files.Write("allowed/top.yaml", "_BASE_: linked/Base.yaml\n");

        Assert.That(ConfigLoader.Load(top, null, Options).GetString("MODEL.DEVICE"), Is.EqualTo("cpu"));
    }

    [Test]
    public void ARootReachedThroughALinkIsResolvedToo()
    {
        string top = _files.Write("allowed/top.yaml", "VERSION: 2\n");
        string linkedRoot = Path.Combine(_files.Root, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, Root);

        Assert.That(ConfigLoader.Load(top, null, new ConfigLoadOptions { AllowedRoot = linkedRoot }), Is.Not.Null);
    }
}
