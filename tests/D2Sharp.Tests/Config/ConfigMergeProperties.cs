using System.Globalization;
using System.Text;
using CsCheck;
using D2Sharp.Config;

namespace D2Sharp.Tests.Config;

/// <summary>
/// The algebra of config merges, on random overrides of real keys with values of their types:
/// merging is sequential, the last write of a key wins, a dump loads back to the same config, and
/// a <c>_BASE_</c> is the same as merging the base first.
/// </summary>
[TestFixture]
public class ConfigMergeProperties
{
    /// <summary>Enough cases to mix every key and type several ways, few enough for well under a second each.</summary>
    private const int Cases = 200;

    /// <summary>A whole config's dump is about 1,000 nodes to write and read back: fewer cases, the same time.</summary>
    private const int DumpCases = 100;

    /// <summary>One KEY VALUE pair as <c>opts</c> hold it, and the value it must give.</summary>
    public sealed record Override(string Key, string Text, object? Value)
    {
        public override string ToString() => $"{Key} {Text}";
    }

    private static string Float(int thousandths) => (thousandths / 1000.0).ToString("0.0##", CultureInfo.InvariantCulture);

    private static List<object?> Items<T>(IEnumerable<T> values, Func<T, object?> toValue) => values.Select(toValue).ToList();

    private static readonly Gen<Override> AnOverride = Gen.OneOf<Override>(
        Gen.Int[0, 200].Select(n => new Override("MODEL.RESNETS.DEPTH", n.ToString(CultureInfo.InvariantCulture), (long)n)),
        Gen.Int[1, 1000].Select(n => new Override("MODEL.ROI_HEADS.NUM_CLASSES", n.ToString(CultureInfo.InvariantCulture), (long)n)),
        Gen.OneOf("cpu", "cuda", "cuda:1").Select(device => new Override("MODEL.DEVICE", device, device)),
        Gen.Char['a', 'z'].Array[1, 6].Select(name => new Override("MODEL.WEIGHTS", new string(name) + ".pkl", new string(name) + ".pkl")),
        Gen.Bool.Select(on => new Override("MODEL.MASK_ON", on ? "True" : "False", on)),
        Gen.Int[1, 1000].Select(n => new Override("SOLVER.BASE_LR", Float(n), n / 1000.0)),
        Gen.Int[0, 1000].Select(n => new Override("MODEL.RPN.NMS_THRESH", Float(n), n / 1000.0)),
        Gen.Int[1, 2000].Array[1, 4].Select(sizes => new Override("INPUT.MIN_SIZE_TRAIN",
            "(" + string.Join(", ", sizes) + ",)", Items(sizes, size => (object?)(long)size))),
        Gen.Int[0, 255_000].Array[3].Select(mean => new Override("MODEL.PIXEL_MEAN",
            "[" + string.Join(", ", mean.Select(Float)) + "]", Items(mean, n => (object?)(n / 1000.0)))),
        Gen.OneOf("coco_2017_val", "lvis_v1_val", "cityscapes_fine_val").Array[1, 3].Select(names => new Override("DATASETS.TEST",
            "(" + string.Join(", ", names.Select(name => $"'{name}'")) + ",)", Items(names, name => (object?)name))));

    private static readonly Gen<Override[]> SomeOverrides = AnOverride.Array[0, 12];

    private static string[] Opts(IEnumerable<Override> overrides) => [.. overrides.SelectMany(o => new[] { o.Key, o.Text })];

    private static CfgNode Merged(IEnumerable<Override> overrides)
    {
        CfgNode cfg = ConfigDefaults.Create();
        ConfigLoader.MergeFromList(cfg, Opts(overrides));
        return cfg;
    }

    [Test]
    public void MergingAListIsMergingItsPairsOneAtATime() =>
        SomeOverrides.Sample(overrides =>
        {
            CfgNode oneByOne = ConfigDefaults.Create();
            foreach (Override o in overrides) ConfigLoader.MergeFromList(oneByOne, [o.Key, o.Text]);

            Assert.That(Merged(overrides).ContentEquals(oneByOne), Is.True);
        }, iter: Cases, threads: 1);

    [Test]
    public void TheLastWriteOfAKeyWinsAndOtherKeysKeepTheirDefaults() =>
        SomeOverrides.Sample(overrides =>
        {
            CfgNode cfg = Merged(overrides);
            CfgNode defaults = ConfigDefaults.Create();

            foreach (string key in Keys)
            {
                Override? last = overrides.LastOrDefault(written => written.Key == key);
                object? expected = last is null ? defaults.GetValue(key) : last.Value;
                Assert.That(ConfigValue.DeepEquals(cfg.GetValue(key), expected), Is.True,
                    $"{key}: {ConfigValue.Repr(cfg.GetValue(key))}, expected {ConfigValue.Repr(expected)}");
            }
        }, iter: Cases, threads: 1);

    [Test]
    public void ADumpLoadsBackToTheSameConfig() =>
        SomeOverrides.Sample(overrides =>
        {
            using var files = new TempConfigFiles();
            CfgNode cfg = Merged(overrides);

            CfgNode loaded = ConfigLoader.Load(files.Write("dump.yaml", cfg.ToYaml()));

            Assert.That(loaded.ContentEquals(cfg), Is.True, cfg.ToYaml());
        }, iter: DumpCases, threads: 1);

    [Test]
    public void AFileWithABaseIsTheBaseThenTheFilesKeys() =>
        Gen.Select(SomeOverrides, SomeOverrides).Sample((inBase, inFile) =>
        {
            using var files = new TempConfigFiles();
            files.Write("base.yaml", "VERSION: 2\n" + Yaml(inBase));
            string top = files.Write("sub/top.yaml", "_BASE_: ../base.yaml\n" + Yaml(inFile));

            CfgNode baseThenKeys = ConfigLoader.Load(Path.Combine(files.Root, "base.yaml"), Opts(inFile));

            CfgNode loaded = ConfigLoader.Load(top, null, new ConfigLoadOptions { Strict = true, AllowedRoot = files.Root });
            Assert.That(loaded.ContentEquals(baseThenKeys), Is.True);
            Assert.That(loaded.ContentEquals(Merged([.. inBase, .. inFile])), Is.True);
        }, iter: Cases, threads: 1);

    /// <summary>The keys <see cref="AnOverride"/> writes.</summary>
    private static readonly string[] Keys =
    [
        "MODEL.RESNETS.DEPTH", "MODEL.ROI_HEADS.NUM_CLASSES", "MODEL.DEVICE", "MODEL.WEIGHTS", "MODEL.MASK_ON",
        "SOLVER.BASE_LR", "MODEL.RPN.NMS_THRESH", "INPUT.MIN_SIZE_TRAIN", "MODEL.PIXEL_MEAN", "DATASETS.TEST",
    ];

    /// <summary>
    /// The overrides as nested YAML mappings, each key once (the last value written), values as
    /// single-quoted strings so that the merge reads them as it reads <c>opts</c>: through Python's
    /// <c>literal_eval</c>.
    /// </summary>
    private static string Yaml(IEnumerable<Override> overrides)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (Override o in overrides)
        {
            string[] parts = o.Key.Split('.');
            SortedDictionary<string, object> section = root;
            foreach (string part in parts[..^1])
            {
                if (!section.TryGetValue(part, out object? child))
                    section[part] = child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                section = (SortedDictionary<string, object>)child;
            }
            section[parts[^1]] = o.Text;
        }
        var text = new StringBuilder();
        Write(root, indent: 0);
        return text.ToString();

        void Write(SortedDictionary<string, object> section, int indent)
        {
            foreach (var (key, value) in section)
            {
                text.Append(' ', indent).Append(key).Append(':');
                if (value is SortedDictionary<string, object> child)
                {
                    text.Append('\n');
                    Write(child, indent + 2);
                }
                else
                {
                    text.Append(" '").Append(((string)value).Replace("'", "''")).Append("'\n");
                }
            }
        }
    }
}
