namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// Detectron2's <c>Box2BoxTransform.apply_deltas</c> for one box and one set of deltas, in its
/// float32 operation order: w = x2 − x1, cx = x1 + 0.5·w; dx = d0 / wx …; dw, dh clamped above
/// at the scale clamp; cx' = dx·w + cx, w' = exp(dw)·w; result (cx' − 0.5·w', …, cy' + 0.5·h').
/// </summary>
internal static class Box2BoxTransform
{
    public static void Apply(ReadOnlySpan<float> box, ReadOnlySpan<float> deltas, float[] weights, float scaleClamp, Span<float> result)
    {
        float width = box[2] - box[0], height = box[3] - box[1];
        float cx = box[0] + 0.5f * width, cy = box[1] + 0.5f * height;
        float dx = deltas[0] / weights[0], dy = deltas[1] / weights[1];
        float dw = MathF.Min(deltas[2] / weights[2], scaleClamp), dh = MathF.Min(deltas[3] / weights[3], scaleClamp);
        float px = dx * width + cx, py = dy * height + cy;
        float pw = MathF.Exp(dw) * width, ph = MathF.Exp(dh) * height;
        result[0] = px - 0.5f * pw;
        result[1] = py - 0.5f * ph;
        result[2] = px + 0.5f * pw;
        result[3] = py + 0.5f * ph;
    }
}
