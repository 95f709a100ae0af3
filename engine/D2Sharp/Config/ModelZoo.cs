namespace D2Sharp.Config;

/// <summary>
/// Detectron2's model-zoo table (<c>detectron2.model_zoo.get_checkpoint_url</c>): which trained
/// checkpoint belongs to which of Detectron2's configs. D2Sharp downloads nothing; it tells a user
/// which <c>.pkl</c> to fetch for a config.
/// </summary>
public static class ModelZoo
{
    /// <summary>Where Detectron2 publishes its checkpoints.</summary>
    public const string UrlPrefix = "https://dl.fbaipublicfiles.com/detectron2/";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Table = new(ReadTable);

    /// <summary>Every config with a trained checkpoint, as Detectron2 names it (<c>COCO-Detection/faster_rcnn_R_50_FPN_3x</c>), in Detectron2's order.</summary>
    public static IReadOnlyList<string> Names => [.. Table.Value.Keys];

    /// <summary>
    /// The checkpoint URL of <paramref name="config"/> — a name as in <see cref="Names"/>, with or
    /// without <c>.yaml</c> and a leading <c>configs/</c> — or null when the zoo has none.
    /// </summary>
    public static string? CheckpointUrl(string config)
    {
        string name = Normalize(config);
        return Table.Value.TryGetValue(name, out string? suffix) ? $"{UrlPrefix}{name}/{suffix}" : null;
    }

    /// <summary>
    /// Whether Detectron2 defines <paramref name="config"/> as a Python LazyConfig (<c>.py</c>, the
    /// <c>new_baselines/</c> models) rather than a YAML file: D2Sharp reads YAML configs only.
    /// </summary>
    public static bool IsLazyConfig(string config) => Normalize(config).StartsWith("new_baselines/", StringComparison.Ordinal);

    /// <summary><paramref name="config"/> as the table names it: no <c>configs/</c> prefix, no <c>.yaml</c>, forward slashes.</summary>
    public static string Normalize(string config)
    {
        string name = config.Replace('\\', '/');
        if (name.StartsWith("configs/", StringComparison.Ordinal)) name = name["configs/".Length..];
        return name.EndsWith(".yaml", StringComparison.Ordinal) ? name[..^".yaml".Length] : name;
    }

    private static IReadOnlyDictionary<string, string> ReadTable()
    {
        using var stream = typeof(ModelZoo).Assembly.GetManifestResourceStream("D2Sharp.ModelZoo.tsv")
            ?? throw new InvalidOperationException("the model-zoo table is missing from the D2Sharp assembly");
        using var reader = new StreamReader(stream);
        var table = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] fields = line.Split('\t');
            table.Add(fields[0], fields[1]);
        }
        return table;
    }
}
