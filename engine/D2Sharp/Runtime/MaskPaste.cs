namespace D2Sharp.Runtime;

/// <summary>
/// Detectron2's <c>paste_masks_in_image</c> as it runs on the CPU (one mask at a time,
/// <c>skip_empty</c>): the box's pixels, widened by one on each side and clipped to the image, are
/// sampled from the S×S probability map with <c>grid_sample</c> (bilinear, zero padding,
/// align_corners False) at their centres mapped into the box, in float32 in ATen's order, and set
/// where the probability is at least the threshold.
/// </summary>
internal static class MaskPaste
{
    public static BitMask Paste(ReadOnlySpan<float> probs, int size, ReadOnlySpan<float> box, int height, int width, float threshold = 0.5f)
    {
        var mask = new BitMask(height, width);
        float x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
        int left = (int)Math.Max(MathF.Floor(x0) - 1, 0), top = (int)Math.Max(MathF.Floor(y0) - 1, 0);
        int right = (int)Math.Min(MathF.Ceiling(x1) + 1, width), bottom = (int)Math.Min(MathF.Ceiling(y1) + 1, height);
        float half = size / 2f;
        for (int py = top; py < bottom; py++)
        {
            float gy = (py + 0.5f - y0) / (y1 - y0) * 2 - 1;
            float sy = (gy + 1) * half - 0.5f;
            for (int px = left; px < right; px++)
            {
                float gx = (px + 0.5f - x0) / (x1 - x0) * 2 - 1;
                float sx = (gx + 1) * half - 0.5f;
                if (Bilinear(probs, size, sy, sx) >= threshold) mask[py, px] = true;
            }
        }
        return mask;
    }

    /// <summary>ATen's grid_sample bilinear tap: the four neighbours, those outside the map counting as zero.</summary>
    private static float Bilinear(ReadOnlySpan<float> map, int size, float y, float x)
    {
        float xw = MathF.Floor(x), yn = MathF.Floor(y);
        float w = x - xw, e = 1 - w, n = y - yn, s = 1 - n;
        int ix = (int)xw, iy = (int)yn;
        return At(map, size, iy, ix) * (s * e) + At(map, size, iy, ix + 1) * (s * w)
            + At(map, size, iy + 1, ix) * (n * e) + At(map, size, iy + 1, ix + 1) * (n * w);
    }

    private static float At(ReadOnlySpan<float> map, int size, int y, int x) =>
        y >= 0 && y < size && x >= 0 && x < size ? map[y * size + x] : 0f;
}
