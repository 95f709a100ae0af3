using D2Sharp.Graph;

namespace D2Sharp.Runtime;

/// <summary>
/// A run's graph outputs in the layout of the detection fixtures' <c>expected.npz</c>, which
/// <c>d2sharp run --intermediates</c> writes so that Detectron2's <c>compare_det.py</c> compares
/// any run stage by stage. Dense tensors (features, the RPN and RetinaNet heads' maps, anchors)
/// stay as they are. The data-dependent ones are cut to each image's count, without the batch
/// dimension: the sets, [N, P, …] rows counted by <see cref="Value.ValidCount"/>
/// (<c>proposals_*</c>, <c>det_*</c>, <c>box_stage&lt;k&gt;_proposals</c>, <c>mask_probs</c>), and
/// the row-tied tensors, [N·S, …] rows counted by <see cref="Value.SlotCount"/>
/// (<c>box_features</c>, <c>box_cls_logits</c>, <c>box_deltas</c>, <c>keypoint_heatmaps</c>). With
/// a keypoint head, <c>det_keypoints</c> [D, K, 3] is added: each detection's keypoints decoded on
/// its box in resized-image pixels (x, y, score). With several images the cut arrays are suffixed
/// <c>_&lt;i&gt;</c>. Outputs whose count is not an output of the run are left as they are.
/// </summary>
public static class IntermediateArrays
{
    /// <summary>The arrays of <paramref name="result"/>, named as in <c>expected.npz</c>, in output order, then <c>det_keypoints</c>.</summary>
    /// <param name="result">A run of a session on <paramref name="graph"/>.</param>
    /// <param name="graph">The session's graph (<see cref="Modeling.ModelSpec.Graph"/>), which says how each output's rows are counted.</param>
    /// <exception cref="KeyNotFoundException">An output of <paramref name="result"/> is not an output of <paramref name="graph"/>.</exception>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Of(InferenceResult result, ModelGraph graph)
    {
        // A value marked as an output under two names has one tensor: the first name's.
        var byValue = new Dictionary<Value, Tensor>();
        foreach (var (name, tensor) in result.Outputs) byValue.TryAdd(graph.Output(name), tensor);
        int images = result.ImageSizes.Count;
        var arrays = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, tensor) in result.Outputs)
        {
            var value = graph.Output(name);
            if (value.ValidCount is { } valid && byValue.TryGetValue(valid, out var counts))
                arrays.AddRange(PerImage(name, images, i => Rows(tensor, i, tensor.Shape[1], tensor.Shape[2..], counts.Span<int>()[i])));
            else if (value.SlotCount is { } slots && byValue.TryGetValue(slots, out counts))
                arrays.AddRange(PerImage(name, images, i => Rows(tensor, i, tensor.Shape[0] / images, tensor.Shape[1..], counts.Span<int>()[i])));
            else
                arrays.Add(new(name, tensor));
        }
        if (DetKeypoints(result, images) is { } keypoints) arrays.AddRange(PerImage("det_keypoints", images, i => keypoints[i]));
        return arrays;
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> PerImage(string name, int images, Func<int, Tensor> cut) =>
        Enumerable.Range(0, images).Select(i => new KeyValuePair<string, Tensor>(images == 1 ? name : $"{name}_{i}", cut(i)));

    /// <summary>
    /// Image <paramref name="image"/>'s first <paramref name="used"/> of its <paramref name="slots"/>
    /// rows of <paramref name="row"/> shape: dimension 1 of an [N, P, …] tensor or dimension 0 of an
    /// [N·S, …] one, the same memory order.
    /// </summary>
    private static Tensor Rows(Tensor tensor, int image, int slots, int[] row, int used)
    {
        used = Math.Clamp(used, 0, slots);
        long rowBytes = Tensor.CountElements(row) * tensor.Type.SizeOf();
        var cut = Tensor.Zeros(tensor.Type, [used, .. row]);
        tensor.Bytes.Slice(checked((int)(image * slots * rowBytes)), checked((int)(used * rowBytes))).CopyTo(cut.Bytes);
        return cut;
    }

    /// <summary><c>heatmaps_to_keypoints</c> of each image's detections on their boxes (resized-image pixels); null without a keypoint head.</summary>
    private static Tensor[]? DetKeypoints(InferenceResult result, int images)
    {
        var outputs = result.Outputs.ToDictionary(o => o.Key, o => o.Value);
        if (!outputs.TryGetValue("keypoint_heatmaps", out var heatmaps) || !outputs.TryGetValue("det_boxes", out var boxes)
            || !outputs.TryGetValue("det_count", out var count))
            return null;
        int slots = boxes.Shape[1], keypoints = heatmaps.Shape[1], size = heatmaps.Shape[3], maps = keypoints * size * size;
        return Enumerable.Range(0, images).Select(i =>
        {
            int used = count.Span<int>()[i];
            var decoded = new float[used * keypoints * 3];
            for (int d = 0; d < used; d++)
                KeypointDecode.Decode(heatmaps.Data.AsSpan((i * slots + d) * maps, maps), keypoints, size,
                    boxes.Data.AsSpan((i * slots + d) * 4, 4), decoded.AsSpan(d * keypoints * 3, keypoints * 3));
            return new Tensor([used, keypoints, 3], decoded);
        }).ToArray();
    }
}
