using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace D2Sharp.Weights;

/// <summary>
/// Detectron2's renaming of Caffe2 / Detectron1 / MSRA blob names
/// (<c>convert_basic_c2_names</c> and <c>convert_c2_detectron_names</c> in
/// <c>detectron2/checkpoint/c2_model_loading.py</c>), rule for rule and in the same order,
/// including its quirks (unescaped dots in some patterns match any character). Each Python rule
/// maps every key independently, so the rules are applied here key by key.
/// </summary>
internal static class Caffe2Renaming
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary><c>convert_basic_c2_names</c> for one key: backbone (ResNet stem, blocks, norms) names.</summary>
    public static string ConvertBasicName(string key)
    {
        string k = key switch { "pred_b" => "linear_b", "pred_w" => "linear_w", _ => key };
        k = k.Replace("_", ".");
        k = Sub(k, @"\.b$", ".bias");
        k = Sub(k, @"\.w$", ".weight");
        // BN and GN both become "norm".
        k = Sub(k, @"bn\.s$", "norm.weight");
        k = Sub(k, @"bn\.bias$", "norm.bias");
        k = Sub(k, @"bn\.rm", "norm.running_mean");
        k = Sub(k, @"bn\.running.mean$", "norm.running_mean");
        k = Sub(k, @"bn\.riv$", "norm.running_var");
        k = Sub(k, @"bn\.running.var$", "norm.running_var");
        k = Sub(k, @"bn\.gamma$", "norm.weight");
        k = Sub(k, @"bn\.beta$", "norm.bias");
        k = Sub(k, @"gn\.s$", "norm.weight");
        k = Sub(k, @"gn\.bias$", "norm.bias");
        // Stem.
        k = Sub(k, @"^res\.conv1\.norm\.", "conv1.norm.");
        k = Sub(k, @"^conv1\.", "stem.conv1.");
        // Blocks.
        k = k.Replace(".branch1.", ".shortcut.");
        k = k.Replace(".branch2a.", ".conv1.");
        k = k.Replace(".branch2b.", ".conv2.");
        k = k.Replace(".branch2c.", ".conv3.");
        // DensePose.
        k = Sub(k, "^body.conv.fcn", "body_conv_fcn");
        k = k.Replace("AnnIndex.lowres", "ann_index_lowres");
        k = k.Replace("Index.UV.lowres", "index_uv_lowres");
        k = k.Replace("U.lowres", "u_lowres");
        k = k.Replace("V.lowres", "v_lowres");
        return k;
    }

    /// <summary>
    /// The name <c>convert_c2_detectron_names</c> gives one blob: the basic rules, then RPN,
    /// box head, FPN, mask head and keypoint head rules. Throws <see cref="FormatException"/> where
    /// Detectron2 itself fails (an FPN blob whose stage is not a number).
    /// </summary>
    public static string ConvertDetectronName(string key)
    {
        string k = ConvertBasicName(key);
        // RPN hidden conv: FPN shares the level-2 conv ("fpn2") across levels.
        k = k.Replace("conv.rpn.fpn2", "proposal_generator.rpn_head.conv");
        k = k.Replace("conv.rpn", "proposal_generator.rpn_head.conv");
        // RPN box deltas and objectness.
        k = k.Replace("rpn.bbox.pred.fpn2", "proposal_generator.rpn_head.anchor_deltas");
        k = k.Replace("rpn.cls.logits.fpn2", "proposal_generator.rpn_head.objectness_logits");
        k = k.Replace("rpn.bbox.pred", "proposal_generator.rpn_head.anchor_deltas");
        k = k.Replace("rpn.cls.logits", "proposal_generator.rpn_head.objectness_logits");
        // Fast R-CNN box head.
        k = Sub(k, @"^bbox\.pred", "bbox_pred");
        k = Sub(k, @"^cls\.score", "cls_score");
        k = Sub(k, @"^fc6\.", "box_head.fc1.");
        k = Sub(k, @"^fc7\.", "box_head.fc2.");
        k = Sub(k, @"^head\.conv", "box_head.conv");
        // FPN lateral and output convs.
        k = MapFpn(k);
        // Mask head.
        k = k.Replace(".[mask].fcn", "mask_head.mask_fcn");
        k = Sub(k, @"^\.mask\.fcn", "mask_head.mask_fcn");
        k = k.Replace("mask.fcn.logits", "mask_head.predictor");
        k = k.Replace("conv5.mask", "mask_head.deconv");
        // Keypoint head.
        k = k.Replace("conv.fcn", "roi_heads.keypoint_head.conv_fcn");
        k = k.Replace("kps.score.lowres", "roi_heads.keypoint_head.score_lowres");
        k = k.Replace("kps.score.", "roi_heads.keypoint_head.score.");
        return k;
    }

    /// <summary>
    /// Renames every blob and applies Detectron2's tensor fix-ups for Detectron1 heads: drop the
    /// background rows of <c>bbox_pred</c> (4) and <c>mask_head.predictor</c> (1), move the
    /// background row of <c>cls_score</c> from first to last.
    /// </summary>
    /// <returns>Renamed tensors, and renamed key → original blob name.</returns>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> OriginalNames) ConvertDetectronNames(
        IReadOnlyDictionary<string, Tensor> blobs, string path)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var originals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (original, tensor) in blobs.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            string renamed;
            try
            {
                renamed = ConvertDetectronName(original);
            }
            catch (FormatException e)
            {
                throw new CheckpointException(path, $"Caffe2 blob '{original}' cannot be renamed: {e.Message}", e);
            }
            if (originals.TryGetValue(renamed, out var other))
                throw new CheckpointException(path, $"Caffe2 blobs '{other}' and '{original}' both rename to '{renamed}'");
            originals[renamed] = original;
            tensors[renamed] = FixUpHead(renamed, original, tensor, path);
        }
        return (tensors, originals);
    }

    private static Tensor FixUpHead(string renamed, string original, Tensor tensor, string path)
    {
        if (renamed.StartsWith("bbox_pred.", StringComparison.Ordinal))
            return DropLeadingRows(tensor, 4, original, path);
        if (renamed.StartsWith("mask_head.predictor.", StringComparison.Ordinal))
            return DropLeadingRows(tensor, 1, original, path);
        if (renamed.StartsWith("cls_score.", StringComparison.Ordinal))
            return MoveFirstRowLast(tensor, original, path);
        return tensor;
    }

    /// <summary><c>t[n:]</c> along dim 0 (fewer rows than <paramref name="rows"/> leave none, as in PyTorch).</summary>
    private static Tensor DropLeadingRows(Tensor tensor, int rows, string original, string path)
    {
        int rowLength = RowLength(tensor, original, path);
        int kept = Math.Max(0, tensor.Shape[0] - rows);
        var shape = (int[])tensor.Shape.Clone();
        shape[0] = kept;
        var data = tensor.Data.AsSpan((tensor.Shape[0] - kept) * rowLength).ToArray();
        return new Tensor(shape, data);
    }

    /// <summary><c>cat([t[1:], t[:1]])</c> along dim 0.</summary>
    private static Tensor MoveFirstRowLast(Tensor tensor, string original, string path)
    {
        int rowLength = RowLength(tensor, original, path);
        if (tensor.Shape[0] == 0) return tensor;
        var data = new float[tensor.Data.Length];
        tensor.Data.AsSpan(rowLength).CopyTo(data);
        tensor.Data.AsSpan(0, rowLength).CopyTo(data.AsSpan(data.Length - rowLength));
        return new Tensor((int[])tensor.Shape.Clone(), data);
    }

    private static int RowLength(Tensor tensor, string original, string path)
    {
        if (tensor.Rank == 0)
            throw new CheckpointException(path, $"Caffe2 blob '{original}' is a 0-d array; its class rows cannot be sliced");
        return (int)Tensor.CountElements(tensor.Shape.AsSpan(1).ToArray());
    }

    /// <summary>
    /// <c>fpn_map</c>: <c>fpn.inner.resS.…</c> → <c>fpn_lateralS[.norm].last</c>,
    /// <c>fpn.resS.…</c> → <c>fpn_outputS[.norm].last</c>.
    /// </summary>
    private static string MapFpn(string name)
    {
        string[] splits = name.Split('.');
        string norm = splits.Contains("norm") ? ".norm" : "";
        if (name.StartsWith("fpn.inner.", StringComparison.Ordinal))
            return $"fpn_lateral{Stage(splits[2])}{norm}.{splits[^1]}";
        if (name.StartsWith("fpn.res", StringComparison.Ordinal))
            return $"fpn_output{Stage(splits[1])}{norm}.{splits[^1]}";
        return name;
    }

    /// <summary><c>int(split[len("res"):])</c>, with Python's tolerance for whitespace and a sign.</summary>
    private static int Stage(string split)
    {
        string digits = split.Length >= 3 ? split[3..] : "";
        return int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out int stage)
            ? stage
            : throw new FormatException($"FPN stage '{digits}' (from '{split}') is not an integer");
    }

    /// <summary>Python's <c>re.sub(pattern, replacement, input)</c>; each pattern is compiled once.</summary>
    private static string Sub(string input, string pattern, string replacement) =>
        Patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant)).Replace(input, replacement);
}
