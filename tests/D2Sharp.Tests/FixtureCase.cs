using System.Text.Json;
using System.Text.RegularExpressions;
using D2Sharp.Config;
using D2Sharp.IO;

namespace D2Sharp.Tests;

/// <summary>One Detectron2 fixture case in tests/fixtures: its case.json, config and arrays.</summary>
public sealed class FixtureCase
{
    private FixtureCase(string name)
    {
        Name = name;
        // Python's json writes Infinity and NaN bare; System.Text.Json reads them only as strings.
        var text = Regex.Replace(File.ReadAllText(TestPaths.Fixture(name, "case.json")), @"(?<=[:\[,]\s*)(-?Infinity|NaN)\b", "\"$1\"");
        Json = JsonDocument.Parse(text).RootElement;
    }

    public string Name { get; }
    public JsonElement Json { get; }

    public static FixtureCase Load(string name) => new(name);

    /// <summary>The backbone cases (<c>tiny_*</c>): made with Detectron2's build_backbone and anchor generator.</summary>
    public static IEnumerable<string> Backbone => TestPaths.FixtureCases.Where(c => c.StartsWith("tiny_", StringComparison.Ordinal));

    /// <summary>Every backbone case with a model.pkl (the Caffe2 case reuses tiny_r50_fpn's model).</summary>
    public static IEnumerable<string> WithModel => Backbone.Where(c => File.Exists(TestPaths.Fixture(c, "model.pkl")));

    /// <summary>The detection cases (<c>det_*</c>): Detectron2's DefaultPredictor on the whole model.</summary>
    public static IEnumerable<string> Detection => TestPaths.FixtureCases.Where(c => c.StartsWith("det_", StringComparison.Ordinal));

    /// <summary>The detection cases whose model has an RPN (their case.json counts its per-level top-k).</summary>
    public static IEnumerable<string> DetectionWithRpn => Detection.Where(c => Load(c).Json.GetProperty("counts").TryGetProperty("rpn_per_level", out _));

    public string Path(string file) => TestPaths.Fixture(Name, file);

    /// <summary>
    /// Opts added to the case's config for a run: no resizing, as the fixtures were made
    /// (config_resolved.yaml already holds the case's own opts).
    /// </summary>
    public IReadOnlyList<string> RunOpts => ["INPUT.MIN_SIZE_TEST", "0"];

    /// <summary>Detectron2's dump of the merged config, loaded as a config file (no shared data needed).</summary>
    public CfgNode LoadResolvedConfig() => ConfigLoader.Load(Path("config_resolved.yaml"), RunOpts);

    public IReadOnlyDictionary<string, NpyArray> Expected => Npz.Read(Path("expected.npz"));
    public IReadOnlyDictionary<string, NpyArray> Intermediates => Npz.Read(Path("intermediates.npz"));

    public override string ToString() => Name;
}
