namespace D2Sharp.Runtime;

/// <summary>
/// Detectron2's <c>heatmaps_to_keypoints</c> for one detection, in float32 in torch's order: each
/// keypoint's S×S heatmap is resized with bicubic interpolation (A = −0.75, align_corners False,
/// borders clamped) to the box's ceil(height) × ceil(width) (each at least 1), its first maximum in
/// row-major order is the keypoint: x = (column + 0.5) · width / ceil(width) + x1, likewise y; its
/// score is exp(max − max) / Σ exp(heatmap − max) over the S×S map (Detectron2's normalisation
/// by the pooled resolution, not a softmax of the resized map).
/// </summary>
internal static class KeypointDecode
{
    private const float A = -0.75f;

    /// <summary>Writes (x, y, score) per keypoint into <paramref name="keypoints"/> from <paramref name="heatmaps"/> [K, S, S].</summary>
    public static void Decode(ReadOnlySpan<float> heatmaps, int count, int size, ReadOnlySpan<float> box, Span<float> keypoints)
    {
        float width = MathF.Max(box[2] - box[0], 1f), height = MathF.Max(box[3] - box[1], 1f);
        float widthCeil = MathF.Ceiling(width), heightCeil = MathF.Ceiling(height);
        int outW = (int)widthCeil, outH = (int)heightCeil;
        float scaleX = (float)size / outW, scaleY = (float)size / outH;
        for (int k = 0; k < count; k++)
        {
            var map = heatmaps.Slice(k * size * size, size * size);
            // The first maximum of the resized map, in row-major order.
            float best = float.NegativeInfinity;
            int bestX = 0, bestY = 0;
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    float v = Bicubic(map, size, scaleY, scaleX, oy, ox);
                    if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                    {
                        best = v;
                        (bestX, bestY) = (ox, oy);
                    }
                }
            float sum = 0;
            foreach (float v in map) sum += MathF.Exp(v - best);
            keypoints[3 * k] = (bestX + 0.5f) * (width / widthCeil) + box[0];
            keypoints[3 * k + 1] = (bestY + 0.5f) * (height / heightCeil) + box[1];
            keypoints[3 * k + 2] = MathF.Exp(best - best) / sum;
        }
    }

    /// <summary>torch's upsample_bicubic2d at one output pixel: four rows interpolated along x, then along y.</summary>
    private static float Bicubic(ReadOnlySpan<float> map, int size, float scaleY, float scaleX, int oy, int ox)
    {
        float realX = scaleX * (ox + 0.5f) - 0.5f, realY = scaleY * (oy + 0.5f) - 0.5f;
        int ix = (int)MathF.Floor(realX), iy = (int)MathF.Floor(realY);
        float tx = realX - ix, ty = realY - iy;
        Span<float> rows = stackalloc float[4];
        for (int r = 0; r < 4; r++)
        {
            int y = Math.Clamp(iy - 1 + r, 0, size - 1);
            rows[r] = Interpolate(At(map, size, y, ix - 1), At(map, size, y, ix), At(map, size, y, ix + 1), At(map, size, y, ix + 2), tx);
        }
        return Interpolate(rows[0], rows[1], rows[2], rows[3], ty);
    }

    private static float At(ReadOnlySpan<float> map, int size, int y, int x) => map[y * size + Math.Clamp(x, 0, size - 1)];

    private static float Interpolate(float x0, float x1, float x2, float x3, float t)
    {
        float c0 = Convolution2(t + 1f), c1 = Convolution1(t), c2 = Convolution1(1f - t), c3 = Convolution2(1f - t + 1f);
        return x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3;
    }

    private static float Convolution1(float x) => ((A + 2) * x - (A + 3)) * x * x + 1;

    private static float Convolution2(float x) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}
