namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// Non-maximum suppression as torchvision's CPU <c>nms</c>: candidates ordered by score
/// descending (equal scores by lower index, see <see cref="ScoreOrder"/>), then greedily each kept
/// box suppresses every later one whose IoU with it, computed in float32 as
/// inter / (area_i + area_j − inter), is above the threshold (compared in double, as torchvision
/// compares its float IoU with its double threshold).
/// </summary>
internal static class Nms
{
    /// <summary>
    /// Runs NMS over candidates [start, end) of <paramref name="boxes"/> (x1, y1, x2, y2 each) and
    /// writes the kept ones, in score order, to <paramref name="kept"/>. <paramref name="keys"/>
    /// and <paramref name="suppressed"/> are scratch of at least end − start entries. Returns how
    /// many were kept.
    /// </summary>
    public static int Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, int start, int end, double threshold,
        Span<int> kept, Span<ulong> keys, Span<bool> suppressed)
    {
        int n = end - start;
        keys = keys[..n];
        for (int i = 0; i < n; i++) keys[i] = ScoreOrder.Key(scores[start + i], start + i);
        keys.Sort();
        suppressed = suppressed[..n];
        suppressed.Clear();
        int count = 0;
        for (int a = 0; a < n; a++)
        {
            if (suppressed[a]) continue;
            int i = ScoreOrder.Index(keys[a]);
            kept[count++] = i;
            float ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3];
            float areaI = (ix2 - ix1) * (iy2 - iy1);
            for (int b = a + 1; b < n; b++)
            {
                if (suppressed[b]) continue;
                int j = ScoreOrder.Index(keys[b]);
                float w = MathF.Max(0f, MathF.Min(ix2, boxes[4 * j + 2]) - MathF.Max(ix1, boxes[4 * j]));
                float h = MathF.Max(0f, MathF.Min(iy2, boxes[4 * j + 3]) - MathF.Max(iy1, boxes[4 * j + 1]));
                float inter = w * h;
                float areaJ = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1]);
                float iou = inter / (areaI + areaJ - inter);
                if (iou > threshold) suppressed[b] = true;
            }
        }
        return count;
    }
}
