using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Modeling;

/// <summary>
/// Detectron2's <c>DefaultAnchorGenerator</c>: per feature level, cell anchors from
/// MODEL.ANCHOR_GENERATOR.SIZES × ASPECT_RATIOS (each list broadcast to every level when given
/// once), shifted over the level's grid by its stride, starting at OFFSET·stride.
/// D2Sharp adds ASPECT_RATIOS_FLIP: ratios written Caffe-style (2, 3 + flip → 1, 2, 3, 1/2, 1/3).
/// </summary>
public static class DefaultAnchorGenerator
{
    /// <summary>Adds one <see cref="AnchorGrid"/> node per feature (named <c>anchor_generator.&lt;f&gt;</c>, value <c>anchors_&lt;f&gt;</c>) and returns their outputs in feature order.</summary>
    /// <exception cref="ModelBuildException">The sizes or aspect ratios are empty, not positive or not one list per level, or OFFSET is outside [0, 1).</exception>
    public static IReadOnlyList<Value> Build(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features)
    {
        int n = features.Count;
        var sizes = Broadcast(cfg, "MODEL.ANCHOR_GENERATOR.SIZES", n, "sizes");
        var ratios = Broadcast(cfg, "MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS", n, "aspect_ratios");
        if (cfg.GetBool("MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS_FLIP"))
            ratios = ratios.Select(CaffeStyleRatios).ToList();
        double offset = cfg.GetDouble("MODEL.ANCHOR_GENERATOR.OFFSET");
        if (!(offset >= 0.0 && offset < 1.0))
            throw new ModelBuildException($"MODEL.ANCHOR_GENERATOR.OFFSET = {offset}: the offset has to be in [0, 1)");

        var anchors = new List<Value>();
        for (int i = 0; i < n; i++)
        {
            var (name, feature) = features[i];
            foreach (var r in ratios[i])
                if (!(r > 0)) throw new ModelBuildException($"MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS has {r} for '{name}': ratios must be > 0");
            foreach (var s in sizes[i])
                if (!(s > 0)) throw new ModelBuildException($"MODEL.ANCHOR_GENERATOR.SIZES has {s} for '{name}': sizes must be > 0");
            var op = new AnchorGrid
            {
                CellAnchors = AnchorGrid.MakeCellAnchors(sizes[i], ratios[i]),
                Stride = feature.Spec.Stride,
                Offset = (float)offset,
            };
            anchors.Add(graph.Add($"anchor_generator.{name}", op, [feature], valueName: $"anchors_{name}"));
        }
        return anchors;
    }

    /// <summary>
    /// Detectron2's <c>_broadcast_params</c>: a flat list applies to every level, a list of one list
    /// too; otherwise there must be one list per level.
    /// </summary>
    internal static List<IReadOnlyList<double>> Broadcast(CfgNode cfg, string key, int numFeatures, string name)
    {
        if (cfg.GetValue(key) is not List<object?> list)
            throw new ModelBuildException($"{key}: {name} in anchor generator has to be a list! Got {cfg.GetValue(key)}.");
        if (list.Count == 0) throw new ModelBuildException($"{key}: {name} in anchor generator cannot be empty!");
        if (list[0] is not List<object?>)
            return Enumerable.Repeat(cfg.GetDoubleList(key), numFeatures).ToList();
        var lists = cfg.GetDoubleLists(key);
        if (lists.Count == 1) return Enumerable.Repeat(lists[0], numFeatures).ToList();
        if (lists.Count != numFeatures)
            throw new ModelBuildException(
                $"{key}: Got {name} of length {lists.Count} in anchor generator, but the number of input features is {numFeatures}!");
        return lists.ToList();
    }

    /// <summary>Caffe's PriorBox reading: 1, then each ratio, then each reciprocal (duplicates dropped).</summary>
    internal static IReadOnlyList<double> CaffeStyleRatios(IReadOnlyList<double> ratios)
    {
        var result = new List<double> { 1.0 };
        void AddUnique(double r)
        {
            if (!result.Any(x => Math.Abs(x - r) < 1e-6)) result.Add(r);
        }
        foreach (var r in ratios) AddUnique(r);
        foreach (var r in ratios) AddUnique(1.0 / r);
        return result;
    }
}
