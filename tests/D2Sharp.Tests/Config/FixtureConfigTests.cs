using System.Text.Json;
using D2Sharp.Config;
using D2Sharp.Config.Yaml;

namespace D2Sharp.Tests.Config;

/// <summary>
/// Each fixture case was produced by Detectron2 from a model-zoo config plus opts; loading the same
/// file and opts here must give exactly the config Detectron2 dumped (config_resolved.yaml).
/// </summary>
[TestFixture]
public class FixtureConfigTests
{
    private static IEnumerable<string> Cases() => FixtureCase.Backbone;

    [TestCaseSource(nameof(Cases))]
    public void LoadedConfigEqualsDetectron2sDump(string caseName)
    {
        CfgNode cfg = LoadLikeDetectron2(caseName);
        var expected = (YamlMapping)YamlFileReader.ReadFile(TestPaths.Fixture(caseName, "config_resolved.yaml"))!;

        List<string> differences = ConfigTreeComparison.Differences(expected, cfg, ConfigDefaults.D2SharpKeys.ToHashSet());

        Assert.That(differences, Is.Empty);
    }

    [TestCaseSource(nameof(Cases))]
    public void ToYamlReloadsToTheSameConfig(string caseName)
    {
        CfgNode cfg = LoadLikeDetectron2(caseName);
        using var files = new TempConfigFiles();
        string dumped = files.Write("dumped.yaml", cfg.ToYaml());

        CfgNode reloaded = ConfigLoader.Load(dumped);

        Assert.That(reloaded.ContentEquals(cfg), Is.True, () => cfg.ToYaml() + "\n---- reloaded:\n" + reloaded.ToYaml());
    }

    [TestCaseSource(nameof(Cases))]
    public void Detectron2sDumpLoadsAsAConfigFile(string caseName)
    {
        CfgNode fromDump = ConfigLoader.Load(TestPaths.Fixture(caseName, "config_resolved.yaml"));

        Assert.That(fromDump.ContentEquals(LoadLikeDetectron2(caseName)), Is.True);
    }

    private static CfgNode LoadLikeDetectron2(string caseName)
    {
        JsonElement root = FixtureCase.Load(caseName).Json;
        string configFile = root.GetProperty("config_file").GetString()!;
        Assert.That(configFile, Does.StartWith("configs/"));
        string[] opts = [.. Strings(root, "opts"), .. Strings(root, "harness_opts")];
        return ConfigLoader.Load(Path.Combine(TestPaths.Detectron2Configs, configFile["configs/".Length..]), opts);
    }

    private static IEnumerable<string> Strings(JsonElement root, string property) =>
        root.TryGetProperty(property, out JsonElement array) ? array.EnumerateArray().Select(item => item.GetString()!) : [];
}
