using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary><see cref="CfgNode.ToYaml"/> writes what Detectron2's <c>cfg.dump()</c> writes.</summary>
[TestFixture]
public class ToYamlTests
{
    private static IEnumerable<string> Cases() => TestPaths.FixtureCases;

    [TestCaseSource(nameof(Cases))]
    public void TextMatchesDetectron2sDump(string caseName)
    {
        string dumpPath = TestPaths.Fixture(caseName, "config_resolved.yaml");
        string[] expected = File.ReadAllLines(dumpPath);

        string[] actual = ConfigLoader.Load(dumpPath).ToYaml().Split('\n')[..^1];

        // PyYAML shares the default (1.0, 1.0, 1.0, 1.0)-style tuples through &id/*id anchors, which
        // D2Sharp writes out in full; those keys, and the D2Sharp-only keys, are left out here.
        string[] skippedKeys = ["BBOX_REG_WEIGHTS", .. ConfigDefaults.D2SharpKeys.Select(key => key[(key.LastIndexOf('.') + 1)..])];
        Assert.That(expected.Count(line => line.Contains("&id")), Is.GreaterThan(0), "the dump uses anchors");
        Assert.That(WithoutKeys(actual, skippedKeys), Is.EqualTo(WithoutKeys(expected, skippedKeys)));
    }

    /// <summary>Drops the lines of the given keys, with their nested lines and list items.</summary>
    private static List<string> WithoutKeys(string[] lines, string[] keys)
    {
        var kept = new List<string>();
        for (int i = 0; i < lines.Length;)
        {
            int indent = Indent(lines[i]);
            if (!keys.Any(key => lines[i].TrimStart().StartsWith(key + ":", StringComparison.Ordinal)))
            {
                kept.Add(lines[i++]);
                continue;
            }
            for (i++; i < lines.Length && (Indent(lines[i]) > indent || lines[i].TrimStart().StartsWith('-') && Indent(lines[i]) == indent); i++) { }
        }
        return kept;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    [Test]
    public void ScalarsAreWrittenAsPyYamlWritesThem()
    {
        CfgNode cfg = ConfigDefaults.Create();
        cfg.Set("SOLVER.BASE_LR", 1e-5);
        cfg.Set("SOLVER.MOMENTUM", 2e16);
        cfg.Set("MODEL.WEIGHTS", "true");
        cfg.Set("MODEL.DEVICE", "a: b");
        cfg.Set("OUTPUT_DIR", "it's\n");
        cfg.Set("DATASETS.TRAIN", new[] { "x", "#y", "1.5" });

        string yaml = cfg.ToYaml();

        Assert.That(yaml, Does.Contain("  BASE_LR: 1.0e-05\n"));
        Assert.That(yaml, Does.Contain("  MOMENTUM: 2.0e+16\n"));
        Assert.That(yaml, Does.Contain("  WEIGHTS: 'true'\n"));
        Assert.That(yaml, Does.Contain("  DEVICE: 'a: b'\n"));
        Assert.That(yaml, Does.Contain("OUTPUT_DIR: \"it's\\n\"\n"));
        Assert.That(yaml, Does.Contain("  TRAIN:\n  - x\n  - '#y'\n  - '1.5'\n"));
        Assert.That(yaml, Does.Contain("  EXPECTED_RESULTS: []\n"));
    }

    [Test]
    public void QuotedStringsReadBackUnchanged()
    {
        CfgNode cfg = ConfigDefaults.Create();
        cfg.Set("DATASETS.TEST", new[] { "a: b", "it's", "tab\there", "caf\u00e9", "- x", "[y]", "", "null", "x #y" });
        using var files = new TempConfigFiles();

        CfgNode reloaded = ConfigLoader.Load(files.Write("dump.yaml", cfg.ToYaml()));

        Assert.That(reloaded.GetStringList("DATASETS.TEST"), Is.EqualTo(cfg.GetStringList("DATASETS.TEST")));
    }
}
