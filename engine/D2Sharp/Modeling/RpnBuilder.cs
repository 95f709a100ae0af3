using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;
using static D2Sharp.Modeling.Layers;

namespace D2Sharp.Modeling;

/// <summary>
/// Builds an RPN head into the graph, as Detectron2's <c>build_rpn_head(cfg, input_shape)</c>:
/// per level the objectness logits [N, A, H, W] and anchor deltas [N, 4A, H, W], in input order.
/// </summary>
public delegate IReadOnlyList<(Value Objectness, Value Deltas)> RpnHeadBuilder(
    CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features, int anchorsPerCell);

/// <summary>
/// Detectron2's RPN at test time (<c>RPN.forward</c> then <c>find_top_rpn_proposals</c>): the
/// head; per level the top <c>min(PRE_NMS_TOPK_TEST, H·W·A)</c> objectness logits in the
/// flattened order (index (y·W + x)·A + a, the anchors' order) and those anchors moved by their
/// deltas (<c>Box2BoxTransform(RPN.BBOX_REG_WEIGHTS)</c>); then per image the clip to the image
/// size, the <c>PROPOSAL_GENERATOR.MIN_SIZE</c> filter, per-level NMS at <c>RPN.NMS_THRESH</c> and
/// the <c>POST_NMS_TOPK_TEST</c> best: outputs <c>proposals_boxes</c> [N, P, 4],
/// <c>proposals_logits</c> [N, P] and <c>proposals_count</c> [N].
/// </summary>
public static class RpnBuilder
{
    /// <summary>Adds the RPN for <paramref name="features"/> and their <paramref name="anchors"/> (one per feature, same order), clipping to <paramref name="imageSizes"/> (int32 [N, 2]), marks its outputs and returns the proposals.</summary>
    /// <exception cref="ModelBuildException">The levels have different numbers of cell anchors, or an RPN key holds a value Detectron2 would reject.</exception>
    public static Proposals Build(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features,
        IReadOnlyList<Value> anchors, Value imageSizes)
    {
        var perCell = anchors.Select(a => ((AnchorGrid)a.Producer!.Op).NumCellAnchors).Distinct().ToList();
        if (perCell.Count != 1)
            throw new ModelBuildException($"Each level must have the same number of anchors! (MODEL.ANCHOR_GENERATOR gives {string.Join(", ", perCell)} per cell)");
        var head = Registry.Registries.RpnHeads.Get(cfg.GetString("MODEL.RPN.HEAD_NAME"));
        var outputs = head(cfg, graph, features, perCell[0]);
        int k = cfg.GetInt("MODEL.RPN.PRE_NMS_TOPK_TEST");
        var decode = new BoxDecode { Weights = BoxRegressionWeights(cfg, "MODEL.RPN.BBOX_REG_WEIGHTS") };
        var candidates = new List<Value>();
        for (int i = 0; i < features.Count; i++)
        {
            string f = features[i].Key;
            var (objectness, deltas) = outputs[i];
            graph.MarkOutput($"rpn_objectness_{f}", objectness);
            graph.MarkOutput($"rpn_anchor_deltas_{f}", deltas);
            var topk = graph.AddWithOutputs($"proposal_generator.topk@{f}", new TopK { K = k }, [objectness],
                [$"rpn_topk_logits_{f}", $"rpn_topk_indices_{f}", $"rpn_topk_count_{f}"]);
            graph.MarkOutput($"rpn_topk_logits_{f}", topk[0]);
            graph.MarkOutput($"rpn_topk_indices_{f}", topk[1]);
            candidates.Add(graph.Add($"proposal_generator.decode@{f}", decode, [deltas, anchors[i], topk[1]], valueName: $"rpn_topk_boxes_{f}"));
            candidates.Add(topk[0]);
        }
        candidates.Add(imageSizes);

        // NMS_THRESH and MIN_SIZE are used as Detectron2 uses them, whatever their value (1.0 turns NMS off).
        int postNms = cfg.GetInt("MODEL.RPN.POST_NMS_TOPK_TEST");
        var proposals = new RpnProposals
        {
            Levels = features.Count,
            NmsThreshold = cfg.GetDouble("MODEL.RPN.NMS_THRESH"),
            PostNmsTopK = postNms,
            MinSize = (float)cfg.GetDouble("MODEL.PROPOSAL_GENERATOR.MIN_SIZE"),
        };
        var result = graph.AddWithOutputs("proposal_generator.proposals", proposals, candidates,
            ["proposals_boxes", "proposals_logits", "proposals_count"]);
        graph.MarkOutput("proposals_boxes", result[0]);
        graph.MarkOutput("proposals_logits", result[1]);
        graph.MarkOutput("proposals_count", result[2]);
        return new Proposals(result[0], result[2]);
    }

    /// <summary>A <c>Box2BoxTransform</c>'s (wx, wy, ww, wh), which it divides the deltas by.</summary>
    public static float[] BoxRegressionWeights(CfgNode cfg, string key)
    {
        var weights = cfg.GetDoubleList(key);
        if (weights.Count != 4) throw new ModelBuildException($"{key} must hold 4 weights (wx, wy, ww, wh), got {weights.Count}");
        if (weights.Any(w => !(w > 0))) throw new ModelBuildException($"{key} = [{string.Join(", ", weights)}]: every weight must be positive");
        return weights.Select(w => (float)w).ToArray();
    }

    /// <summary>
    /// Detectron2's <c>StandardRPNHead</c>: the same modules on every level: 3×3 conv(s) with bias
    /// and ReLU (<c>MODEL.RPN.CONV_DIMS</c>, −1 = input channels; one conv is named <c>conv</c>,
    /// several <c>conv.conv0</c>, <c>conv.conv1</c>…), then 1×1 <c>objectness_logits</c> (A
    /// channels) and <c>anchor_deltas</c> (4A).
    /// </summary>
    public static IReadOnlyList<(Value Objectness, Value Deltas)> StandardRpnHead(
        CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features, int anchorsPerCell)
    {
        const string prefix = "proposal_generator.rpn_head";
        var channels = features.Select(f => f.Value.Spec.Channels).Distinct().ToList();
        if (channels.Count != 1)
            throw new ModelBuildException($"Each level must have the same channel! (MODEL.RPN.IN_FEATURES have {string.Join(", ", channels)} channels)");
        var convDims = cfg.GetIntList("MODEL.RPN.CONV_DIMS");
        if (convDims.Count == 0) throw new ModelBuildException("MODEL.RPN.CONV_DIMS is empty");
        var result = new List<(Value, Value)>();
        foreach (var (f, feature) in features)
        {
            var x = feature;
            int current = channels[0];
            for (int k = 0; k < convDims.Count; k++)
            {
                int outChannels = convDims[k] == -1 ? current : convDims[k];
                if (outChannels <= 0)
                    throw new ModelBuildException($"Conv output channels should be greater than 0. Got {outChannels} (MODEL.RPN.CONV_DIMS)");
                string module = convDims.Count == 1 ? $"{prefix}.conv" : $"{prefix}.conv.conv{k}";
                x = Conv(graph, $"{module}@{f}", x, new ConvArgs(current, outChannels, 3, 1, 1), NormSpec.None, bias: true,
                    Activation.Relu, module: module);
                current = outChannels;
            }
            var objectness = Conv(graph, $"{prefix}.objectness_logits@{f}", x, new ConvArgs(current, anchorsPerCell, 1),
                NormSpec.None, bias: true, module: $"{prefix}.objectness_logits", valueName: $"rpn_objectness_{f}");
            var deltas = Conv(graph, $"{prefix}.anchor_deltas@{f}", x, new ConvArgs(current, 4 * anchorsPerCell, 1),
                NormSpec.None, bias: true, module: $"{prefix}.anchor_deltas", valueName: $"rpn_anchor_deltas_{f}");
            result.Add((objectness, deltas));
        }
        return result;
    }
}
