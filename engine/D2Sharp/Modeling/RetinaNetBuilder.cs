using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;
using static D2Sharp.Modeling.Layers;

namespace D2Sharp.Modeling;

/// <summary>
/// Detectron2's <c>RetinaNet</c> at test time after the backbone and anchors: the
/// <c>RetinaNetHead</c> on every level (outputs <c>retina_cls_logits_&lt;f&gt;</c> [N, A·K, H, W]
/// and <c>retina_box_deltas_&lt;f&gt;</c> [N, 4A, H, W]), then per level the sigmoid probabilities
/// above <c>SCORE_THRESH_TEST</c>, the best <c>TOPK_CANDIDATES_TEST</c> (anchor, class) pairs and
/// their anchors moved by their deltas, and over all levels NMS per class and the best
/// <c>TEST.DETECTIONS_PER_IMAGE</c>: the detections <c>det_*</c>.
/// </summary>
public static class RetinaNetBuilder
{
    private const string Head = "head";

    /// <summary>Adds the head and inference for <paramref name="features"/> and their <paramref name="anchors"/> (one per feature, same order), marks the <c>det_*</c> outputs and returns them.</summary>
    /// <exception cref="ModelBuildException">The levels have different numbers of cell anchors, or a <c>MODEL.RETINANET</c> key holds a value Detectron2 would reject.</exception>
    public static Detections Build(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features, IReadOnlyList<Value> anchors)
    {
        int classes = cfg.GetInt("MODEL.RETINANET.NUM_CLASSES");
        var perCell = anchors.Select(a => ((AnchorGrid)a.Producer!.Op).NumCellAnchors).Distinct().ToList();
        if (perCell.Count != 1)
            throw new ModelBuildException($"Using different number of anchors between levels is not currently supported! (MODEL.ANCHOR_GENERATOR gives {string.Join(", ", perCell)} per cell)");
        int k = cfg.GetInt("MODEL.RETINANET.TOPK_CANDIDATES_TEST");
        int detections = cfg.GetInt("TEST.DETECTIONS_PER_IMAGE");

        var heads = RetinaNetHead(cfg, graph, features, perCell[0], classes);
        var topk = new TopK { K = k, ScoreThreshold = (float)cfg.GetDouble("MODEL.RETINANET.SCORE_THRESH_TEST"), Sigmoid = true };
        var decode = new BoxDecode { Weights = RpnBuilder.BoxRegressionWeights(cfg, "MODEL.RETINANET.BBOX_REG_WEIGHTS"), ClassesPerAnchor = classes };
        var candidates = new List<Value>();
        for (int i = 0; i < features.Count; i++)
        {
            string f = features[i].Key;
            var (logits, deltas) = heads[i];
            var best = graph.AddWithOutputs($"retinanet.topk@{f}", topk, [logits], [$"retina_topk_scores_{f}", $"retina_topk_indices_{f}", $"retina_topk_count_{f}"]);
            var boxes = graph.Add($"retinanet.decode@{f}", decode, [deltas, anchors[i], best[1]], valueName: $"retina_topk_boxes_{f}");
            candidates.AddRange([boxes, best[0], best[1], best[2]]);
        }
        var inference = new RetinaNetInference
        {
            Levels = features.Count,
            NumClasses = classes,
            NmsThreshold = cfg.GetDouble("MODEL.RETINANET.NMS_THRESH_TEST"),
            DetectionsPerImage = detections,
        };
        var y = graph.AddWithOutputs("retinanet.inference", inference, candidates, ["det_boxes", "det_scores", "det_classes", "det_count"]);
        foreach (var v in y) graph.MarkOutput(v.Name, v);
        return new Detections(y[0], y[1], y[2], y[3]);
    }

    /// <summary>
    /// Detectron2's <c>RetinaNetHead</c>, the same modules on every level: <c>NUM_CONVS</c> 3×3 convs
    /// (with their bias), each followed by <c>NORM</c> if any and ReLU, in each of <c>cls_subnet</c>
    /// and <c>bbox_subnet</c> (named as their <c>nn.Sequential</c> numbers them: convs
    /// <c>cls_subnet.0</c>, <c>.2</c>… without a norm; convs <c>.0</c>, <c>.3</c>… and norms
    /// <c>.1</c>, <c>.4</c>… with one), then the 3×3 <c>cls_score</c> (A·K) and <c>bbox_pred</c> (4A).
    /// <c>BN</c> and <c>SyncBN</c> are <c>CycleBatchNormList</c>s: one BatchNorm per level, their
    /// running statistics under <c>cls_subnet.1.&lt;level index&gt;</c>, the affine terms shared;
    /// every other norm is one module for all levels.
    /// </summary>
    private static List<(Value Logits, Value Deltas)> RetinaNetHead(CfgNode cfg, ModelGraph graph,
        IReadOnlyList<KeyValuePair<string, Value>> features, int anchorsPerCell, int classes)
    {
        string normName = cfg.GetString("MODEL.RETINANET.NORM");
        var norm = NormSpec.Parse(normName, "MODEL.RETINANET.NORM");
        bool perLevel = normName is "BN" or "SyncBN";
        var channels = features.Select(f => f.Value.Spec.Channels).Distinct().ToList();
        if (channels.Count != 1)
            throw new ModelBuildException($"Each level must have the same channel! (MODEL.RETINANET.IN_FEATURES have {string.Join(", ", channels)} channels)");
        int convs = cfg.GetInt("MODEL.RETINANET.NUM_CONVS"), c = channels[0];
        if (convs == 0)
            throw new ModelBuildException("MODEL.RETINANET.NUM_CONVS = 0: Detectron2's RetinaNetHead needs at least one conv (it sizes cls_score by conv_dims[-1], an empty list)");
        var result = new List<(Value, Value)>();
        for (int level = 0; level < features.Count; level++)
        {
            var (f, feature) = features[level];
            Value Tower(string name)
            {
                var x = feature;
                int layer = norm.IsNone ? 2 : 3;
                for (int i = 0; i < convs; i++)
                {
                    string conv = $"{Head}.{name}.{layer * i}", normModule = $"{Head}.{name}.{layer * i + 1}";
                    x = SequentialConv(graph, conv, normModule, perLevel ? $"{normModule}.{level}" : normModule, f, x, new ConvArgs(c, c, 3, 1, 1),
                        norm, Activation.Relu);
                }
                return x;
            }
            var logits = Conv(graph, $"{Head}.cls_score@{f}", Tower("cls_subnet"), new ConvArgs(c, anchorsPerCell * classes, 3, 1, 1), NormSpec.None,
                bias: true, module: $"{Head}.cls_score", valueName: $"retina_cls_logits_{f}");
            var deltas = Conv(graph, $"{Head}.bbox_pred@{f}", Tower("bbox_subnet"), new ConvArgs(c, 4 * anchorsPerCell, 3, 1, 1), NormSpec.None,
                bias: true, module: $"{Head}.bbox_pred", valueName: $"retina_box_deltas_{f}");
            graph.MarkOutput($"retina_cls_logits_{f}", logits);
            graph.MarkOutput($"retina_box_deltas_{f}", deltas);
            result.Add((logits, deltas));
        }
        return result;
    }
}
