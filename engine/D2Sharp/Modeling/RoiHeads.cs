using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Modeling;

/// <summary>The RPN's proposals as the ROI heads read them: boxes [N, P, 4] and their count [N].</summary>
public sealed record Proposals(Value Boxes, Value Count);

/// <summary>
/// An R-CNN model's detections per image, in resized-image pixels: boxes [N, D, 4], scores [N, D],
/// int64 classes [N, D] and the count [N]; with a mask head, each detection's mask probabilities [N, D, S, S];
/// with a keypoint head, each detection's keypoint heatmaps, a feature map [N·D, K, S, S].
/// </summary>
public sealed record Detections(Value Boxes, Value Scores, Value Classes, Value Count, Value? MaskProbs = null, Value? KeypointHeatmaps = null);

/// <summary>
/// Builds ROI heads into the graph, as Detectron2's <c>build_roi_heads(cfg, input_shape)</c>: from
/// the backbone features and the proposals to the detections (<c>MODEL.ROI_HEADS.NAME</c>).
/// </summary>
public delegate Detections RoiHeadsBuilder(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features,
    Proposals proposals, Value imageSizes);

/// <summary>
/// Builds a box head (<c>MODEL.ROI_BOX_HEAD.NAME</c>) on pooled features [R, C, S, S] under
/// <c>module</c> (<c>roi_heads.box_head</c>, or <c>roi_heads.box_head.&lt;k&gt;</c> for a cascade
/// stage) and returns its output, the features the box predictor reads.
/// </summary>
public delegate Value BoxHeadBuilder(CfgNode cfg, ModelGraph graph, Value pooled, int pooledSize, string module);

/// <summary>
/// Builds a mask head (<c>MODEL.ROI_MASK_HEAD.NAME</c>) on the detections' pooled features
/// [R, C, S, S] and returns its per-class mask logits, a feature map [R, K, S', S'].
/// </summary>
public delegate Value MaskHeadBuilder(CfgNode cfg, ModelGraph graph, Value pooled);

/// <summary>
/// Builds a keypoint head (<c>MODEL.ROI_KEYPOINT_HEAD.NAME</c>) on the detections' pooled features
/// and returns its heatmaps, a feature map [R, K, S', S'].
/// </summary>
public delegate Value KeypointHeadBuilder(CfgNode cfg, ModelGraph graph, Value pooled);

/// <summary>
/// Detectron2's ROI heads at test time: <c>StandardROIHeads</c> (pooler, box head, predictor,
/// <c>fast_rcnn_inference</c>, then the mask and keypoint heads on the detections),
/// <c>CascadeROIHeads</c>, and <c>Res5ROIHeads</c> (pooler, res5 stage, mean, predictor,
/// <c>fast_rcnn_inference</c>, then res5 and the mask head on the detections).
/// </summary>
public static class RoiHeads
{
    private const string Prefix = "roi_heads";

    /// <summary>
    /// <c>StandardROIHeads</c>: ROIAlign(V2) of the proposals on <c>ROI_HEADS.IN_FEATURES</c>, the
    /// box head, <c>FastRCNNOutputLayers</c> (<c>cls_score</c>, <c>bbox_pred</c>) and its inference.
    /// Outputs <c>box_features</c>, <c>box_cls_logits</c>, <c>box_deltas</c> (one row per
    /// proposal slot) and <c>det_boxes</c>, <c>det_scores</c>, <c>det_classes</c>,
    /// <c>det_count</c>; then the mask and keypoint paths when <c>MASK_ON</c> / <c>KEYPOINT_ON</c>.
    /// </summary>
    public static Detections StandardRoiHeads(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features,
        Proposals proposals, Value imageSizes)
    {
        var inFeatures = SelectFeatures(cfg, features, "MODEL.ROI_HEADS.IN_FEATURES");
        int resolution = cfg.GetInt("MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION");
        var pooled = Pool(cfg, graph, inFeatures, proposals, "MODEL.ROI_BOX_HEAD", resolution, $"{Prefix}.box_pooler");
        var head = Registry.Registries.RoiBoxHeads.Get(cfg.GetString("MODEL.ROI_BOX_HEAD.NAME"));
        var boxFeatures = head(cfg, graph, pooled, resolution, $"{Prefix}.box_head");
        graph.MarkOutput("box_features", boxFeatures);
        int classes = NumClasses(cfg);
        bool agnostic = cfg.GetBool("MODEL.ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG");
        var (logits, deltas) = FastRcnnPredictor(graph, boxFeatures, FlatSize(boxFeatures, resolution), classes, agnostic, $"{Prefix}.box_predictor", "");
        var detections = FastRcnnInference(cfg, graph, [logits], deltas, RpnBuilder.BoxRegressionWeights(cfg, "MODEL.ROI_BOX_HEAD.BBOX_REG_WEIGHTS"),
            classes, agnostic, proposals, imageSizes);
        return InstanceHeads(cfg, graph, inFeatures, detections);
    }

    /// <summary>
    /// <c>CascadeROIHeads</c> at test time: one stage per <c>ROI_BOX_CASCADE_HEAD.BBOX_REG_WEIGHTS</c>
    /// entry, each pooling its proposals (the RPN's, then the previous stage's boxes refined and
    /// clipped: <c>box_stage&lt;k&gt;_proposals</c>), running its own box head
    /// (<c>box_head.&lt;k&gt;</c>) and class-agnostic predictor (<c>box_predictor.&lt;k&gt;</c>;
    /// outputs suffixed <c>_stage&lt;k&gt;</c>); the detections from the mean of the stages'
    /// softmaxes and the last stage's boxes; then the mask path as <see cref="StandardRoiHeads"/>.
    /// </summary>
    public static Detections CascadeRoiHeads(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features,
        Proposals proposals, Value imageSizes)
    {
        if (!cfg.GetBool("MODEL.ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG"))
            throw new ModelBuildException("CascadeROIHeads only support class-agnostic regression now! (MODEL.ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG must be True)");
        var stageWeights = cfg.GetDoubleLists("MODEL.ROI_BOX_CASCADE_HEAD.BBOX_REG_WEIGHTS");
        if (stageWeights.Count == 0) throw new ModelBuildException("MODEL.ROI_BOX_CASCADE_HEAD.BBOX_REG_WEIGHTS lists no stage");
        var inFeatures = SelectFeatures(cfg, features, "MODEL.ROI_HEADS.IN_FEATURES");
        int resolution = cfg.GetInt("MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION"), classes = NumClasses(cfg);
        var head = Registry.Registries.RoiBoxHeads.Get(cfg.GetString("MODEL.ROI_BOX_HEAD.NAME"));
        var logits = new List<Value>();
        Value? deltas = null;
        float[] weights = [];
        for (int k = 0; k < stageWeights.Count; k++)
        {
            string key = $"MODEL.ROI_BOX_CASCADE_HEAD.BBOX_REG_WEIGHTS[{k}]";
            if (stageWeights[k].Count != 4 || stageWeights[k].Any(w => !(w > 0)))
                throw new ModelBuildException($"{key} = [{string.Join(", ", stageWeights[k])}] must be 4 positive weights (wx, wy, ww, wh)");
            if (k > 0)
            {
                var refine = new RefineBoxes { Weights = weights };
                var boxes = graph.Add($"{Prefix}.refine{k}", refine, [deltas!, proposals.Boxes, proposals.Count, imageSizes], valueName: $"box_stage{k}_proposals");
                graph.MarkOutput(boxes.Name, boxes);
                proposals = proposals with { Boxes = boxes };
            }
            weights = stageWeights[k].Select(w => (float)w).ToArray();
            var pooled = Pool(cfg, graph, inFeatures, proposals, "MODEL.ROI_BOX_HEAD", resolution, $"{Prefix}.box_pooler@stage{k}");
            var boxFeatures = head(cfg, graph, pooled, resolution, $"{Prefix}.box_head.{k}");
            graph.MarkOutput($"box_features_stage{k}", boxFeatures);
            var (stageLogits, stageDeltas) = FastRcnnPredictor(graph, boxFeatures, FlatSize(boxFeatures, resolution), classes, agnostic: true,
                $"{Prefix}.box_predictor.{k}", $"_stage{k}");
            logits.Add(stageLogits);
            deltas = stageDeltas;
        }
        var detections = FastRcnnInference(cfg, graph, logits, deltas!, weights, classes, agnostic: true, proposals, imageSizes);
        return InstanceHeads(cfg, graph, inFeatures, detections);
    }

    /// <summary>The heads that run on the detections: the mask head with <c>MASK_ON</c>, the keypoint head with <c>KEYPOINT_ON</c>.</summary>
    private static Detections InstanceHeads(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> inFeatures, Detections detections)
    {
        if (cfg.GetBool("MODEL.MASK_ON")) detections = MaskPath(cfg, graph, inFeatures, detections);
        if (cfg.GetBool("MODEL.KEYPOINT_ON")) detections = KeypointPath(cfg, graph, inFeatures, detections);
        return detections;
    }

    /// <summary>
    /// <c>StandardROIHeads._forward_keypoint</c> at test time: ROIAlign(V2) of the detected boxes with
    /// <c>ROI_KEYPOINT_HEAD</c>'s pooler settings and the keypoint head (output
    /// <c>keypoint_heatmaps</c>); <c>heatmaps_to_keypoints</c> runs on the host, per detection.
    /// </summary>
    private static Detections KeypointPath(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> inFeatures, Detections detections)
    {
        int resolution = cfg.GetInt("MODEL.ROI_KEYPOINT_HEAD.POOLER_RESOLUTION");
        var pooled = Pool(cfg, graph, inFeatures, new Proposals(detections.Boxes, detections.Count), "MODEL.ROI_KEYPOINT_HEAD", resolution,
            $"{Prefix}.keypoint_pooler");
        var heatmaps = Registry.Registries.RoiKeypointHeads.Get(cfg.GetString("MODEL.ROI_KEYPOINT_HEAD.NAME"))(cfg, graph, pooled);
        graph.MarkOutput("keypoint_heatmaps", heatmaps);
        return detections with { KeypointHeatmaps = heatmaps };
    }

    /// <summary>
    /// Detectron2's <c>KRCNNConvDeconvUpsampleHead</c>: 3×3 convs with ReLU (<c>CONV_DIMS</c>) named
    /// <c>conv_fcn1</c>…, <c>score_lowres</c> (ConvTranspose2d to <c>NUM_KEYPOINTS</c> channels,
    /// kernel 4, stride 2, padding 1), then bilinear ×2: heatmaps 4× the pooled size.
    /// </summary>
    public static Value KrcnnConvDeconvUpsampleHead(CfgNode cfg, ModelGraph graph, Value pooled)
    {
        const string head = $"{Prefix}.keypoint_head";
        int keypoints = cfg.GetInt("MODEL.ROI_KEYPOINT_HEAD.NUM_KEYPOINTS");
        var x = pooled;
        int channels = pooled.Spec.Channels, index = 1;
        foreach (int dim in cfg.GetIntList("MODEL.ROI_KEYPOINT_HEAD.CONV_DIMS"))
        {
            if (dim <= 0) throw new ModelBuildException($"MODEL.ROI_KEYPOINT_HEAD.CONV_DIMS holds {dim}; every conv needs channels > 0");
            x = Layers.Conv(graph, $"{head}.conv_fcn{index++}", x, new Layers.ConvArgs(channels, dim, 3, 1, 1), NormSpec.None, bias: true, Activation.Relu);
            channels = dim;
        }
        var lowres = new ConvTranspose2d { InChannels = channels, OutChannels = keypoints, Kernel = 4, Stride = 2, Padding = 1 };
        x = graph.Add($"{head}.score_lowres", lowres, [x], new ShapeSpec(keypoints, 1));
        return graph.Add($"{head}.upsample", new UpsampleBilinear2x(), [x], new ShapeSpec(keypoints, 1), valueName: "keypoint_heatmaps");
    }

    /// <summary>
    /// <c>StandardROIHeads._forward_mask</c> at test time: ROIAlign(V2) of the detected boxes with
    /// <c>ROI_MASK_HEAD</c>'s pooler settings, the mask head, then <c>mask_rcnn_inference</c>
    /// (output <c>mask_probs</c> [N, D, S, S]).
    /// </summary>
    private static Detections MaskPath(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> inFeatures, Detections detections)
    {
        int resolution = cfg.GetInt("MODEL.ROI_MASK_HEAD.POOLER_RESOLUTION");
        var pooled = Pool(cfg, graph, inFeatures, new Proposals(detections.Boxes, detections.Count), "MODEL.ROI_MASK_HEAD", resolution, $"{Prefix}.mask_pooler");
        var logits = Registry.Registries.RoiMaskHeads.Get(cfg.GetString("MODEL.ROI_MASK_HEAD.NAME"))(cfg, graph, pooled);
        return MaskInference(graph, detections, logits);
    }

    /// <summary><c>mask_rcnn_inference</c>: each detection's mask of its class, through a sigmoid (output <c>mask_probs</c>).</summary>
    private static Detections MaskInference(ModelGraph graph, Detections detections, Value logits)
    {
        var probs = graph.Add($"{Prefix}.mask_inference", new MaskRcnnInference(), [logits, detections.Classes, detections.Count], valueName: "mask_probs");
        graph.MarkOutput("mask_probs", probs);
        return detections with { MaskProbs = probs };
    }

    /// <summary>
    /// Detectron2's <c>MaskRCNNConvUpsampleHead</c>: <c>NUM_CONV</c> 3×3 convs (<c>CONV_DIM</c>,
    /// <c>NORM</c>, ReLU) named <c>mask_fcn1</c>…, <c>deconv</c> (ConvTranspose2d k2 s2 + ReLU),
    /// and the 1×1 <c>predictor</c> (one channel per class, or one with <c>CLS_AGNOSTIC_MASK</c>).
    /// </summary>
    public static Value MaskRcnnConvUpsampleHead(CfgNode cfg, ModelGraph graph, Value pooled)
    {
        const string head = $"{Prefix}.mask_head";
        int numConv = cfg.GetInt("MODEL.ROI_MASK_HEAD.NUM_CONV"), convDim = cfg.GetInt("MODEL.ROI_MASK_HEAD.CONV_DIM");
        var norm = NormSpec.Parse(cfg.GetString("MODEL.ROI_MASK_HEAD.NORM"), "MODEL.ROI_MASK_HEAD.NORM");
        int classes = cfg.GetBool("MODEL.ROI_MASK_HEAD.CLS_AGNOSTIC_MASK") ? 1 : cfg.GetInt("MODEL.ROI_HEADS.NUM_CLASSES");
        var x = pooled;
        int channels = pooled.Spec.Channels;
        for (int k = 0; k < numConv; k++)
        {
            x = Layers.Conv(graph, $"{head}.mask_fcn{k + 1}", x, new Layers.ConvArgs(channels, convDim, 3, 1, 1), norm, bias: true, Activation.Relu);
            channels = convDim;
        }
        var deconv = new ConvTranspose2d { InChannels = channels, OutChannels = convDim, Kernel = 2, Stride = 2, Activation = Activation.Relu };
        x = graph.Add($"{head}.deconv", deconv, [x], new ShapeSpec(convDim, 1));
        return Layers.Conv(graph, $"{head}.predictor", x, new Layers.ConvArgs(convDim, classes, 1), NormSpec.None, bias: true);
    }

    /// <summary>
    /// <c>Res5ROIHeads</c> (C4 models): ROIAlign(V2) of the proposals on the one
    /// <c>ROI_HEADS.IN_FEATURES</c> map, the res5 stage on every box (weights
    /// <c>roi_heads.res5.*</c>), the mean over its 7×7 output (<c>box_features</c>), then
    /// <c>FastRCNNOutputLayers</c> and its inference as in <see cref="StandardRoiHeads"/>. With
    /// <c>MASK_ON</c>, <c>forward_with_given_boxes</c>: the same pooler and res5 stage on the
    /// detected boxes (nodes suffixed <c>@mask</c>, the same weights), the mask head on res5's output
    /// (<c>ROI_MASK_HEAD</c>'s pooler settings are not used), then <c>mask_rcnn_inference</c>.
    /// </summary>
    public static Detections Res5RoiHeads(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features,
        Proposals proposals, Value imageSizes)
    {
        var inFeatures = SelectFeatures(cfg, features, "MODEL.ROI_HEADS.IN_FEATURES");
        if (inFeatures.Count != 1)
            throw new ModelBuildException($"Res5ROIHeads reads one feature map; MODEL.ROI_HEADS.IN_FEATURES lists {inFeatures.Count}");
        if (cfg.GetBool("MODEL.KEYPOINT_ON")) throw new ModelBuildException("Res5ROIHeads has no keypoint head (MODEL.KEYPOINT_ON must be False)");
        int resolution = cfg.GetInt("MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION");
        var pooled = Pool(cfg, graph, inFeatures, proposals, "MODEL.ROI_BOX_HEAD", resolution, $"{Prefix}.pooler");
        var (res5, channels) = ResNetBuilder.Res5Head(cfg, graph, pooled, $"{Prefix}.res5");
        var boxFeatures = graph.Add($"{Prefix}.box_features", new SpatialMean(), [res5], valueName: "box_features");
        graph.MarkOutput("box_features", boxFeatures);
        int classes = NumClasses(cfg);
        bool agnostic = cfg.GetBool("MODEL.ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG");
        var (logits, deltas) = FastRcnnPredictor(graph, boxFeatures, channels, classes, agnostic, $"{Prefix}.box_predictor", "");
        var detections = FastRcnnInference(cfg, graph, [logits], deltas, RpnBuilder.BoxRegressionWeights(cfg, "MODEL.ROI_BOX_HEAD.BBOX_REG_WEIGHTS"),
            classes, agnostic, proposals, imageSizes);
        if (!cfg.GetBool("MODEL.MASK_ON")) return detections;
        var maskPooled = Pool(cfg, graph, inFeatures, new Proposals(detections.Boxes, detections.Count), "MODEL.ROI_BOX_HEAD", resolution,
            $"{Prefix}.pooler@mask");
        var (maskFeatures, _) = ResNetBuilder.Res5Head(cfg, graph, maskPooled, $"{Prefix}.res5", "@mask");
        var maskLogits = Registry.Registries.RoiMaskHeads.Get(cfg.GetString("MODEL.ROI_MASK_HEAD.NAME"))(cfg, graph, maskFeatures);
        return MaskInference(graph, detections, maskLogits);
    }

    /// <summary>The features a head reads, in the order the config lists them.</summary>
    private static List<KeyValuePair<string, Value>> SelectFeatures(CfgNode cfg, IReadOnlyList<KeyValuePair<string, Value>> features, string key)
    {
        var selected = new List<KeyValuePair<string, Value>>();
        foreach (var name in cfg.GetStringList(key))
        {
            var match = features.FirstOrDefault(f => f.Key == name);
            if (match.Value == null)
                throw new ModelBuildException($"{key} names '{name}', which the backbone does not output (outputs: {string.Join(", ", features.Select(f => f.Key))})");
            selected.Add(match);
        }
        if (selected.Count == 0) throw new ModelBuildException($"{key} is empty");
        return selected;
    }

    /// <summary>
    /// Detectron2's <c>ROIPooler</c> with the <c>POOLER_TYPE</c> of <paramref name="section"/> (and
    /// its <c>POOLER_SAMPLING_RATIO</c>, which only ROIAlign reads): scales 1/stride of the
    /// features, which must be consecutive powers of two with equal channels.
    /// </summary>
    private static Value Pool(CfgNode cfg, ModelGraph graph, IReadOnlyList<KeyValuePair<string, Value>> features, Proposals proposals,
        string section, int resolution, string name)
    {
        string type = cfg.GetString($"{section}.POOLER_TYPE");
        if (type is not ("ROIAlignV2" or "ROIAlign" or "ROIPool"))
            throw new ModelBuildException(type == "ROIAlignRotated"
                ? $"{section}.POOLER_TYPE = \"{type}\" is not supported by D2Sharp yet (supported: ROIAlignV2, ROIAlign, ROIPool)"
                : $"{section}.POOLER_TYPE = \"{type}\" is not a pooler Detectron2 knows (ROIAlign, ROIAlignV2, ROIPool, ROIAlignRotated)");
        var channels = features.Select(f => f.Value.Spec.Channels).Distinct().ToList();
        if (channels.Count != 1)
            throw new ModelBuildException($"{section}: the pooled features ({string.Join(", ", features.Select(f => f.Key))}) must have the same channels, got {string.Join(", ", channels)}");
        int sampling = cfg.GetInt($"{section}.POOLER_SAMPLING_RATIO");
        var scales = features.Select(f => 1f / f.Value.Spec.Stride).ToArray();
        var strides = features.Select(f => f.Value.Spec.Stride).ToArray();
        for (int i = 0; i < strides.Length; i++)
            if (!int.IsPow2(strides[i]) || (i > 0 && strides[i] != 2 * strides[i - 1]))
                throw new ModelBuildException($"{section}: the pooled features' strides {string.Join(", ", strides)} must be consecutive powers of two, finest first");
        RoiPooler op = type == "ROIPool"
            ? new RoiPool { Scales = scales, OutputSize = resolution }
            : new RoiAlign { Scales = scales, OutputSize = resolution, SamplingRatio = sampling, Aligned = type == "ROIAlignV2" };
        return graph.Add(name, op, [.. features.Select(f => f.Value), proposals.Boxes, proposals.Count], new ShapeSpec(channels[0], 1));
    }

    /// <summary>
    /// Detectron2's <c>FastRCNNConvFCHead</c>: <c>NUM_CONV</c> 3×3 convs (<c>CONV_DIM</c>,
    /// <c>NORM</c>, ReLU) named <c>conv1</c>…, then <c>NUM_FC</c> fully connected layers
    /// (<c>FC_DIM</c>, ReLU) named <c>fc1</c>… on the flattened features.
    /// </summary>
    public static Value FastRcnnConvFcHead(CfgNode cfg, ModelGraph graph, Value pooled, int pooledSize, string head)
    {
        int numConv = cfg.GetInt("MODEL.ROI_BOX_HEAD.NUM_CONV"), convDim = cfg.GetInt("MODEL.ROI_BOX_HEAD.CONV_DIM");
        int numFc = cfg.GetInt("MODEL.ROI_BOX_HEAD.NUM_FC"), fcDim = cfg.GetInt("MODEL.ROI_BOX_HEAD.FC_DIM");
        if (numConv + numFc <= 0) throw new ModelBuildException("MODEL.ROI_BOX_HEAD: NUM_CONV + NUM_FC must be positive");
        var norm = NormSpec.Parse(cfg.GetString("MODEL.ROI_BOX_HEAD.NORM"), "MODEL.ROI_BOX_HEAD.NORM");
        var x = pooled;
        int channels = pooled.Spec.Channels;
        for (int k = 0; k < numConv; k++)
        {
            x = Layers.Conv(graph, $"{head}.conv{k + 1}", x, new Layers.ConvArgs(channels, convDim, 3, 1, 1), norm, bias: true, Activation.Relu);
            channels = convDim;
        }
        int features = channels * pooledSize * pooledSize;
        for (int k = 0; k < numFc; k++)
        {
            x = graph.Add($"{head}.fc{k + 1}", new Linear { InFeatures = features, OutFeatures = fcDim, Activation = Activation.Relu }, [x]);
            features = fcDim;
        }
        return x;
    }

    /// <summary>
    /// <c>FastRCNNOutputLayers</c> (<c>cls_score</c>: K + 1 logits, background last;
    /// <c>bbox_pred</c>: 4 deltas per class, or 4 when class-agnostic) on the box features, under
    /// <paramref name="module"/>, their outputs named <c>box_cls_logits</c> / <c>box_deltas</c> +
    /// <paramref name="suffix"/>.
    /// </summary>
    private static (Value Logits, Value Deltas) FastRcnnPredictor(ModelGraph graph, Value boxFeatures, int inFeatures, int classes, bool agnostic,
        string module, string suffix)
    {
        var logits = graph.Add($"{module}.cls_score", new Linear { InFeatures = inFeatures, OutFeatures = classes + 1 }, [boxFeatures],
            valueName: "box_cls_logits" + suffix);
        var deltas = graph.Add($"{module}.bbox_pred", new Linear { InFeatures = inFeatures, OutFeatures = 4 * (agnostic ? 1 : classes) }, [boxFeatures],
            valueName: "box_deltas" + suffix);
        graph.MarkOutput(logits.Name, logits);
        graph.MarkOutput(deltas.Name, deltas);
        return (logits, deltas);
    }

    /// <summary>The classes the box predictor scores, checked with what D2Sharp's inference supports.</summary>
    private static int NumClasses(CfgNode cfg)
    {
        int classes = cfg.GetInt("MODEL.ROI_HEADS.NUM_CLASSES");
        if (cfg.GetBool("MODEL.ROI_BOX_HEAD.USE_SIGMOID_CE"))
            throw new ModelBuildException("MODEL.ROI_BOX_HEAD.USE_SIGMOID_CE = True (sigmoid class scores) is not supported by D2Sharp yet");
        return classes;
    }

    /// <summary>
    /// <c>FastRCNNOutputLayers.inference</c> with the test thresholds on the last stage's deltas
    /// and proposals (the softmaxes of every stage in <paramref name="logits"/> averaged): the
    /// detections <c>det_*</c>.
    /// </summary>
    private static Detections FastRcnnInference(CfgNode cfg, ModelGraph graph, IReadOnlyList<Value> logits, Value deltas, float[] weights,
        int classes, bool agnostic, Proposals proposals, Value imageSizes)
    {
        int detections = cfg.GetInt("TEST.DETECTIONS_PER_IMAGE");
        var inference = new FastRcnnInference
        {
            NumClasses = classes,
            ClassAgnostic = agnostic,
            Weights = weights,
            ScoreThreshold = (float)cfg.GetDouble("MODEL.ROI_HEADS.SCORE_THRESH_TEST"),
            NmsThreshold = cfg.GetDouble("MODEL.ROI_HEADS.NMS_THRESH_TEST"),
            DetectionsPerImage = detections,
            Stages = logits.Count,
        };
        var y = graph.AddWithOutputs($"{Prefix}.inference", inference, [.. logits, deltas, proposals.Boxes, proposals.Count, imageSizes],
            ["det_boxes", "det_scores", "det_classes", "det_count"]);
        foreach (var v in y) graph.MarkOutput(v.Name, v);
        return new Detections(y[0], y[1], y[2], y[3]);
    }

    /// <summary>
    /// Values per row of a box head's output, which the predictor flattens: C·S·S for a feature
    /// map of the pooled size, a Linear layer's output features otherwise.
    /// </summary>
    private static int FlatSize(Value x, int pooledSize) => x.IsFeatureMap
        ? x.Spec.Channels * pooledSize * pooledSize
        : x.Producer?.Op is Linear fc ? fc.OutFeatures
        : throw new ModelBuildException($"the box head's output '{x.Name}' must be a feature map or a Linear layer's output");
}
