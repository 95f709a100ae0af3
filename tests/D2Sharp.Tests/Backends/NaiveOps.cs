using D2Sharp.Ops;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// Every op written once more, here in the tests, straight from PyTorch's / torchvision's /
/// Detectron2's definitions: NCHW loops, one output element at a time, in double. Independent of
/// the engine's kernels (different layout, loop order and code), they are the oracle the reference
/// backend is checked against.
/// </summary>
internal static class NaiveOps
{
    public static double[] Conv(Conv2d op, float[] x, int n, int h, int w, float[] weight, float[]? bias, float[]? residual)
    {
        int cin = op.InChannels, cout = op.OutChannels, kh = op.KernelH, kw = op.KernelW;
        int ho = Conv2d.OutputSize(h, kh, op.Stride, op.Padding, op.Dilation);
        int wo = Conv2d.OutputSize(w, kw, op.Stride, op.Padding, op.Dilation);
        int inPerGroup = cin / op.Groups, outPerGroup = cout / op.Groups;
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            double sum = bias?[o] ?? 0;
            int g = o / outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int iy = oy * op.Stride - op.Padding + i * op.Dilation;
                int ix = ox * op.Stride - op.Padding + j * op.Dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                int c = g * inPerGroup + ci;
                sum += (double)x[((b * cin + c) * h + iy) * w + ix] * weight[((o * inPerGroup + ci) * kh + i) * kw + j];
            }
            int at = ((b * cout + o) * ho + oy) * wo + ox;
            if (residual != null) sum += residual[at];
            y[at] = Activate(sum, op.Activation);
        }
        return y;
    }

    /// <summary>
    /// torchvision's deform_conv2d by its definition. <paramref name="raw"/> is the offset conv's
    /// output [N, (18|27)·DG, Ho, Wo]: Δy, Δx pairs per deformable group and tap, then (v2) the mask
    /// logits. The sampling point is a float32 sum, as torchvision forms it.
    /// </summary>
    public static double[] DeformConv(DeformConv2d op, float[] x, int n, int h, int w, float[] raw, float[] weight, float[]? bias)
    {
        int k = op.Kernel, taps = k * k, cin = op.InChannels, cout = op.OutChannels, dgs = op.DeformableGroups;
        int ho = Conv2d.OutputSize(h, k, op.Stride, op.Padding, op.Dilation);
        int wo = Conv2d.OutputSize(w, k, op.Stride, op.Padding, op.Dilation);
        int inPerGroup = cin / op.Groups, outPerGroup = cout / op.Groups, inPerDeformableGroup = cin / dgs;
        int rawChannels = op.OffsetChannels;
        double Raw(int b, int channel, int oy, int ox) => raw[((b * rawChannels + channel) * ho + oy) * wo + ox];
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            double sum = bias?[o] ?? 0;
            for (int ci = 0; ci < inPerGroup; ci++)
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                int c = o / outPerGroup * inPerGroup + ci;
                int dg = c / inPerDeformableGroup;
                int tap = i * k + j;
                float dy = (float)Raw(b, 2 * (dg * taps + tap), oy, ox);
                float dx = (float)Raw(b, 2 * (dg * taps + tap) + 1, oy, ox);
                double mask = op.Modulated ? 1 / (1 + Math.Exp(-Raw(b, 2 * taps * dgs + dg * taps + tap, oy, ox))) : 1.0;
                float py = oy * op.Stride - op.Padding + i * op.Dilation + dy;
                float px = ox * op.Stride - op.Padding + j * op.Dilation + dx;
                sum += mask * BilinearOrZero(x, b, c, cin, h, w, py, px) * weight[((o * inPerGroup + ci) * k + i) * k + j];
            }
            y[((b * cout + o) * ho + oy) * wo + ox] = Activate(sum, op.Activation);
        }
        return y;
    }

    private static double BilinearOrZero(float[] x, int b, int c, int channels, int h, int w, double py, double px)
    {
        if (!(py > -1 && py < h && px > -1 && px < w)) return 0;
        int y0 = (int)Math.Floor(py), x0 = (int)Math.Floor(px);
        double fy = py - y0, fx = px - x0;
        double Pixel(int iy, int ix) => iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((b * channels + c) * h + iy) * w + ix] : 0;
        return (1 - fy) * (1 - fx) * Pixel(y0, x0) + (1 - fy) * fx * Pixel(y0, x0 + 1)
             + fy * (1 - fx) * Pixel(y0 + 1, x0) + fy * fx * Pixel(y0 + 1, x0 + 1);
    }

    public static double[] GroupNorm(GroupNorm op, float[] x, int n, int h, int w, float[] gamma, float[] beta)
    {
        int c = op.Channels, per = c / op.Groups, plane = h * w;
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
        for (int g = 0; g < op.Groups; g++)
        {
            var values = Enumerable.Range(g * per, per)
                .SelectMany(ch => Enumerable.Range(0, plane).Select(p => (double)x[(b * c + ch) * plane + p])).ToArray();
            double mean = values.Average();
            double variance = values.Select(v => (v - mean) * (v - mean)).Average();
            for (int ch = g * per; ch < (g + 1) * per; ch++)
                for (int p = 0; p < plane; p++)
                {
                    int at = (b * c + ch) * plane + p;
                    y[at] = Activate((x[at] - mean) / Math.Sqrt(variance + op.Eps) * gamma[ch] + beta[ch], op.Activation);
                }
        }
        return y;
    }

    public static double[] MaxPool(MaxPool2d op, float[] x, int n, int c, int h, int w)
    {
        int ho = Conv2d.OutputSize(h, op.Kernel, op.Stride, op.Padding, 1);
        int wo = Conv2d.OutputSize(w, op.Kernel, op.Stride, op.Padding, 1);
        var y = new double[n * c * ho * wo];
        for (int plane = 0; plane < n * c; plane++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            var window = new List<double>();
            for (int i = 0; i < op.Kernel; i++)
            for (int j = 0; j < op.Kernel; j++)
            {
                int iy = oy * op.Stride - op.Padding + i, ix = ox * op.Stride - op.Padding + j;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) window.Add(x[(plane * h + iy) * w + ix]);
            }
            y[(plane * ho + oy) * wo + ox] = window.Any(double.IsNaN) ? double.NaN : window.Max();
        }
        return y;
    }

    public static double[] UpsampleAdd(UpsampleAdd op, float[] top, float[] lateral, int n, int c, int h, int w)
    {
        var y = new double[lateral.Length];
        for (int plane = 0; plane < n * c; plane++)
        for (int oy = 0; oy < 2 * h; oy++)
        for (int ox = 0; ox < 2 * w; ox++)
        {
            double Top(int iy, int ix) => top[(plane * h + iy) * w + ix];
            double up;
            if (op.Mode == UpsampleMode.Nearest)
            {
                up = Top(oy / 2, ox / 2);
            }
            else
            {
                // upsample_bilinear2d, align_corners=False, scale 2: source = max((dst + 0.5) / 2 − 0.5, 0).
                double sy = Math.Max((oy + 0.5) / 2 - 0.5, 0), sx = Math.Max((ox + 0.5) / 2 - 0.5, 0);
                int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                double ly = sy - y0, lx = sx - x0;
                up = (1 - ly) * ((1 - lx) * Top(y0, x0) + lx * Top(y0, x1)) + ly * ((1 - lx) * Top(y1, x0) + lx * Top(y1, x1));
            }
            int at = (plane * 2 * h + oy) * 2 * w + ox;
            double merged = lateral[at] + up;
            y[at] = op.Fuse == FuseType.Avg ? merged / 2 : merged;
        }
        return y;
    }

    public static double[] Add(Add op, float[] a, float[] b) => a.Select((v, i) => Activate((double)v + b[i], op.Activation)).ToArray();

    public static double[] Relu(float[] x) => x.Select(v => Activate(v, Activation.Relu)).ToArray();

    public static double[] AnchorGrid(AnchorGrid op, int h, int w)
    {
        var y = new List<double>();
        for (int gy = 0; gy < h; gy++)
        for (int gx = 0; gx < w; gx++)
        for (int a = 0; a < op.NumCellAnchors; a++)
        {
            double sx = (op.Offset + gx) * op.Stride, sy = (op.Offset + gy) * op.Stride;
            y.AddRange([sx + op.CellAnchors[4 * a], sy + op.CellAnchors[4 * a + 1], sx + op.CellAnchors[4 * a + 2], sy + op.CellAnchors[4 * a + 3]]);
        }
        return y.ToArray();
    }

    /// <summary>NCHW output of the preprocessing: (pixel − mean) / std inside each image's size, 0 elsewhere.</summary>
    public static double[] NormalizeImage(NormalizeImage op, byte[] pixels, int[] sizes, int n, int h, int w)
    {
        int c = op.Mean.Length;
        var y = new double[n * c * h * w];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        for (int iy = 0; iy < sizes[2 * b]; iy++)
        for (int ix = 0; ix < sizes[2 * b + 1]; ix++)
            y[((b * c + ch) * h + iy) * w + ix] = (pixels[((b * h + iy) * w + ix) * c + ch] - (double)op.Mean[ch]) / op.Std[ch];
        return y;
    }

    /// <summary>
    /// torch.topk on Detectron2's flattening (NCHW → index (y·W + x)·C + c), of the sigmoids when
    /// asked, after the optional threshold: values, indices and the count, padded with −∞ / −1.
    /// </summary>
    public static (double[] Values, double[] Indices, double[] Count) TopK(TopK op, float[] x, int[] shape)
    {
        int n = shape[0];
        int length = x.Length / n;
        int k = Math.Min(op.K, length);
        var values = new double[n * k];
        var indices = new double[n * k];
        var count = new double[n];
        for (int b = 0; b < n; b++)
        {
            var flat = new double[length];
            for (int i = 0; i < length; i++) flat[i] = shape.Length == 4 ? x[NchwIndex(b, i, shape)] : x[b * length + i];
            if (op.Sigmoid) flat = flat.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
            var order = Enumerable.Range(0, length)
                .Where(i => op.ScoreThreshold is not { } t || flat[i] > t)
                .OrderBy(i => double.IsNaN(flat[i]) ? 0 : 1).ThenByDescending(i => flat[i]).ThenBy(i => i)
                .Take(k).ToArray();
            count[b] = order.Length;
            for (int r = 0; r < k; r++)
            {
                values[b * k + r] = r < order.Length ? flat[order[r]] : double.NegativeInfinity;
                indices[b * k + r] = r < order.Length ? order[r] : -1;
            }
        }
        return (values, indices, count);
    }

    /// <summary>
    /// <c>Box2BoxTransform.apply_deltas</c> on anchor indices[b, r]: its deltas are channels
    /// 4a … 4a+3 at its cell of the NCHW map (Detectron2's view(N, A, 4, H, W) then permute);
    /// index −1 gives a zero box.
    /// </summary>
    public static double[] BoxDecode(BoxDecode op, float[] deltas, int[] deltaShape, float[] anchors, long[] indices, int k)
    {
        int n = deltaShape[0], a = deltaShape[1] / 4, h = deltaShape[2], w = deltaShape[3];
        var y = new double[n * k * 4];
        for (int b = 0; b < n; b++)
        for (int r = 0; r < k; r++)
        {
            long i = indices[b * k + r];
            if (i < 0) continue;
            int anchor = (int)(i / op.ClassesPerAnchor), cell = anchor / a, slot = anchor % a;
            double D(int coord) => deltas[((b * 4 * a + 4 * slot + coord) * h + cell / w) * w + cell % w];
            double x1 = anchors[4 * anchor], y1 = anchors[4 * anchor + 1], x2 = anchors[4 * anchor + 2], y2 = anchors[4 * anchor + 3];
            double width = x2 - x1, height = y2 - y1;
            double cx = x1 + width / 2 + D(0) / op.Weights[0] * width;
            double cy = y1 + height / 2 + D(1) / op.Weights[1] * height;
            double pw = Math.Exp(Math.Min(D(2) / op.Weights[2], op.ScaleClamp)) * width;
            double ph = Math.Exp(Math.Min(D(3) / op.Weights[3], op.ScaleClamp)) * height;
            y[(b * k + r) * 4] = cx - pw / 2;
            y[(b * k + r) * 4 + 1] = cy - ph / 2;
            y[(b * k + r) * 4 + 2] = cx + pw / 2;
            y[(b * k + r) * 4 + 3] = cy + ph / 2;
        }
        return y;
    }

    /// <summary>
    /// <c>find_top_rpn_proposals</c> after the top-k, per image: drop non-finite rows, clip to the
    /// image, keep boxes wider and taller than MIN_SIZE, NMS per level (torchvision's greedy loop:
    /// scores descending, a box suppressed when its IoU with a kept one is above the threshold),
    /// all kept boxes by score descending (equal scores in candidate order), the first P.
    /// </summary>
    public static (double[] Boxes, double[] Logits, double[] Count) RpnProposals(RpnProposals op, float[][] boxes, float[][] logits, int[] sizes, int n)
    {
        int total = logits.Sum(l => l.Length / n);
        int p = Math.Min(op.PostNmsTopK, total);
        var outBoxes = new double[n * p * 4];
        var outLogits = Enumerable.Repeat(double.NegativeInfinity, n * p).ToArray();
        var count = new double[n];
        for (int b = 0; b < n; b++)
        {
            var kept = new List<(double[] Box, double Score, int Order)>();
            int order = 0;
            for (int l = 0; l < op.Levels; l++)
            {
                int k = logits[l].Length / n;
                var level = new List<(double[] Box, double Score, int Order)>();
                for (int r = 0; r < k; r++, order++)
                {
                    double score = logits[l][b * k + r];
                    var box = Enumerable.Range(0, 4).Select(c => (double)boxes[l][(b * k + r) * 4 + c]).ToArray();
                    if (!double.IsFinite(score) || !box.All(double.IsFinite)) continue;
                    double w = sizes[2 * b + 1], h = sizes[2 * b];
                    box = [Math.Clamp(box[0], 0, w), Math.Clamp(box[1], 0, h), Math.Clamp(box[2], 0, w), Math.Clamp(box[3], 0, h)];
                    if (box[2] - box[0] > op.MinSize && box[3] - box[1] > op.MinSize) level.Add((box, score, order));
                }
                var survivors = new List<(double[] Box, double Score, int Order)>();
                foreach (var c in level.OrderByDescending(c => c.Score).ThenBy(c => c.Order))
                    if (survivors.All(s => Iou(s.Box, c.Box) <= op.NmsThreshold)) survivors.Add(c);
                kept.AddRange(survivors);
            }
            var best = kept.OrderByDescending(c => c.Score).ThenBy(c => c.Order).Take(p).ToList();
            count[b] = best.Count;
            for (int r = 0; r < best.Count; r++)
            {
                best[r].Box.CopyTo(outBoxes, (b * p + r) * 4);
                outLogits[b * p + r] = best[r].Score;
            }
        }
        return (outBoxes, outLogits, count);
    }

    /// <summary>
    /// torchvision's <c>roi_align</c> behind Detectron2's level assignment, in double on NCHW maps:
    /// for box r of image n (r below the count), the level floor(canonical level + log2(√area /
    /// canonical size + 1e-8)) clamped to the maps given, then each bin the mean of its grid of
    /// bilinear samples.
    /// </summary>
    public static double[] RoiAlign(RoiAlign op, float[][] maps, int[][] shapes, float[] boxes, int perImage, int[] counts)
    {
        int n = counts.Length, c = shapes[0][1], s = op.OutputSize;
        var y = new double[n * perImage * c * s * s];
        int minLevel = (int)Math.Round(-Math.Log2(op.Scales[0]));
        for (int b = 0; b < n; b++)
        for (int r = 0; r < counts[b]; r++)
        {
            int row = b * perImage + r;
            double x1 = boxes[4 * row], y1 = boxes[4 * row + 1], x2 = boxes[4 * row + 2], y2 = boxes[4 * row + 3];
            double assigned = Math.Floor(op.CanonicalLevel + Math.Log2(Math.Sqrt((x2 - x1) * (y2 - y1)) / op.CanonicalBoxSize + 1e-8));
            if (op.Levels > 1 && double.IsNaN(assigned)) continue;
            int level = op.Levels == 1 ? 0 : (int)Math.Clamp(assigned, minLevel, minLevel + op.Levels - 1) - minLevel;
            double scale = op.Scales[level], offset = op.Aligned ? 0.5 : 0;
            int h = shapes[level][2], w = shapes[level][3];
            double startX = x1 * scale - offset, startY = y1 * scale - offset;
            double roiW = x2 * scale - offset - startX, roiH = y2 * scale - offset - startY;
            if (!op.Aligned) (roiW, roiH) = (Math.Max(roiW, 1), Math.Max(roiH, 1));
            int gridH = op.SamplingRatio > 0 ? op.SamplingRatio : (int)Math.Ceiling(roiH / s);
            int gridW = op.SamplingRatio > 0 ? op.SamplingRatio : (int)Math.Ceiling(roiW / s);
            double count = Math.Max(gridH * gridW, 1);
            for (int ch = 0; ch < c; ch++)
            for (int ph = 0; ph < s; ph++)
            for (int pw = 0; pw < s; pw++)
            {
                double sum = 0;
                for (int iy = 0; iy < gridH; iy++)
                for (int ix = 0; ix < gridW; ix++)
                {
                    double sy = startY + ph * roiH / s + (iy + 0.5) * roiH / s / gridH;
                    double sx = startX + pw * roiW / s + (ix + 0.5) * roiW / s / gridW;
                    sum += Bilinear(maps[level], ((b * c) + ch) * h * w, h, w, sy, sx);
                }
                y[((row * c + ch) * s + ph) * s + pw] = sum / count;
            }
        }
        return y;
    }

    /// <summary>torchvision's bilinear_interpolate: 0 beyond one pixel outside, edges clamped.</summary>
    private static double Bilinear(float[] map, int plane, int h, int w, double y, double x)
    {
        if (y < -1 || y > h || x < -1 || x > w) return 0;
        y = Math.Max(y, 0);
        x = Math.Max(x, 0);
        int y0 = Math.Min((int)y, h - 1), x0 = Math.Min((int)x, w - 1);
        int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
        if ((int)y >= h - 1) y = y0;
        if ((int)x >= w - 1) x = x0;
        double ly = y - y0, lx = x - x0;
        double V(int yy, int xx) => map[plane + yy * w + xx];
        return (1 - ly) * (1 - lx) * V(y0, x0) + (1 - ly) * lx * V(y0, x1) + ly * (1 - lx) * V(y1, x0) + ly * lx * V(y1, x1);
    }

    /// <summary>
    /// torchvision's <c>roi_pool</c> behind Detectron2's level assignment, on NCHW maps: the box
    /// rounded to pixels (C's round, the end pixel included, at least one pixel), each bin's
    /// pixel range from float32 bin sizes as torchvision's CPU kernel computes them (in double a
    /// bin edge such as 3 · (4/6) lands one pixel later), and the bin's maximum by "greater wins"
    /// from −FLT_MAX, or 0 for a bin outside the map. Rows from the count on are zero.
    /// </summary>
    public static double[] RoiPool(RoiPool op, float[][] maps, int[][] shapes, float[] boxes, int perImage, int[] counts)
    {
        int c = shapes[0][1], s = op.OutputSize;
        var y = new double[counts.Length * perImage * c * s * s];
        int minLevel = (int)Math.Round(-Math.Log2(op.Scales[0]));
        for (int b = 0; b < counts.Length; b++)
        for (int r = 0; r < counts[b]; r++)
        {
            int row = b * perImage + r;
            var box = boxes.AsSpan(4 * row, 4);
            double assigned = Math.Floor(op.CanonicalLevel + Math.Log2(Math.Sqrt((box[2] - box[0]) * (box[3] - box[1])) / op.CanonicalBoxSize + 1e-8));
            // A NaN level (negative area) matches none of Detectron2's levels: the row stays zero.
            if (op.Levels > 1 && double.IsNaN(assigned)) continue;
            int level = op.Levels == 1 ? 0 : (int)Math.Clamp(assigned, minLevel, minLevel + op.Levels - 1) - minLevel;
            int h = shapes[level][2], w = shapes[level][3];
            int Round(float v) => (int)Math.Round(v * op.Scales[level], MidpointRounding.AwayFromZero);
            int x1 = Round(box[0]), y1 = Round(box[1]);
            float binW = Math.Max(Round(box[2]) - x1 + 1, 1) / (float)s, binH = Math.Max(Round(box[3]) - y1 + 1, 1) / (float)s;
            for (int ph = 0; ph < s; ph++)
            for (int pw = 0; pw < s; pw++)
            {
                int top = Math.Clamp((int)Math.Floor(ph * binH) + y1, 0, h), bottom = Math.Clamp((int)Math.Ceiling((ph + 1) * binH) + y1, 0, h);
                int left = Math.Clamp((int)Math.Floor(pw * binW) + x1, 0, w), right = Math.Clamp((int)Math.Ceiling((pw + 1) * binW) + x1, 0, w);
                for (int ch = 0; ch < c; ch++)
                {
                    float max = top < bottom && left < right ? -float.MaxValue : 0;
                    for (int yy = top; yy < bottom; yy++)
                    for (int xx = left; xx < right; xx++)
                    {
                        float v = maps[level][((b * c + ch) * h + yy) * w + xx];
                        if (v > max) max = v;
                    }
                    y[((row * c + ch) * s + ph) * s + pw] = max;
                }
            }
        }
        return y;
    }

    /// <summary>nn.ConvTranspose2d as a scatter: every input pixel adds weight · x into the outputs its taps reach.</summary>
    public static double[] ConvTranspose(ConvTranspose2d op, float[] x, int[] shape, float[] weight, float[]? bias)
    {
        int n = shape[0], h = shape[2], w = shape[3], k = op.Kernel, cin = op.InChannels, cout = op.OutChannels;
        int ho = ConvTranspose2d.OutputSize(h, k, op.Stride, op.Padding), wo = ConvTranspose2d.OutputSize(w, k, op.Stride, op.Padding);
        var y = new double[n * cout * ho * wo];
        for (int b = 0; b < n; b++)
        for (int co = 0; co < cout; co++)
        for (int i = 0; i < ho * wo; i++) y[(b * cout + co) * ho * wo + i] = bias?[co] ?? 0;
        for (int b = 0; b < n; b++)
        for (int ci = 0; ci < cin; ci++)
        for (int iy = 0; iy < h; iy++)
        for (int ix = 0; ix < w; ix++)
        for (int co = 0; co < cout; co++)
        for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++)
        {
            int oy = iy * op.Stride - op.Padding + ky, ox = ix * op.Stride - op.Padding + kx;
            if (oy < 0 || oy >= ho || ox < 0 || ox >= wo) continue;
            y[((b * cout + co) * ho + oy) * wo + ox] += (double)x[((b * cin + ci) * h + iy) * w + ix] * weight[((ci * cout + co) * k + ky) * k + kx];
        }
        return y.Select(v => Activate(v, op.Activation)).ToArray();
    }

    /// <summary>mask_rcnn_inference: the detection's class channel (channel 0 with one) through a sigmoid; zero past the count.</summary>
    public static double[] MaskRcnnInference(float[] logits, int[] shape, long[] classes, int[] counts, int perImage)
    {
        int k = shape[1], plane = shape[2] * shape[3];
        var y = new double[shape[0] * plane];
        for (int row = 0; row < shape[0]; row++)
        {
            if (row % perImage >= counts[row / perImage]) continue;
            int channel = k == 1 ? 0 : (int)classes[row];
            for (int p = 0; p < plane; p++) y[row * plane + p] = 1 / (1 + Math.Exp(-logits[(row * k + channel) * plane + p]));
        }
        return y;
    }

    /// <summary>torch's bilinear interpolate ×2, align_corners False: source (dst + 0.5) / 2 − 0.5 clamped at 0, neighbours clamped to the edge.</summary>
    public static double[] UpsampleBilinear2x(float[] x, int[] shape)
    {
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
        var y = new double[planes * 4 * h * w];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < 2 * h; oy++)
        for (int ox = 0; ox < 2 * w; ox++)
        {
            double sy = Math.Max((oy + 0.5) / 2 - 0.5, 0), sx = Math.Max((ox + 0.5) / 2 - 0.5, 0);
            int y0 = Math.Min((int)sy, h - 1), x0 = Math.Min((int)sx, w - 1), y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
            double ly = sy - y0, lx = sx - x0;
            double V(int yy, int xx) => x[(p * h + yy) * w + xx];
            y[(p * 2 * h + oy) * 2 * w + ox] = (1 - ly) * ((1 - lx) * V(y0, x0) + lx * V(y0, x1)) + ly * ((1 - lx) * V(y1, x0) + lx * V(y1, x1));
        }
        return y;
    }

    /// <summary>torch's <c>x.mean(dim=[2, 3])</c> on NCHW.</summary>
    public static double[] SpatialMean(float[] x, int[] shape)
    {
        int plane = shape[2] * shape[3];
        return Enumerable.Range(0, shape[0] * shape[1]).Select(row => x.Skip(row * plane).Take(plane).Average(v => (double)v)).ToArray();
    }

    /// <summary>x [R, ...] flattened row-major (NCHW's C, H, W order) times weightᵀ, plus bias, then the activation.</summary>
    public static double[] Linear(Linear op, float[] x, float[] weight, float[]? bias)
    {
        int rows = x.Length / op.InFeatures;
        var y = new double[rows * op.OutFeatures];
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < op.OutFeatures; o++)
        {
            double sum = bias?[o] ?? 0;
            for (int i = 0; i < op.InFeatures; i++) sum += (double)x[r * op.InFeatures + i] * weight[o * op.InFeatures + i];
            y[r * op.OutFeatures + o] = Activate(sum, op.Activation);
        }
        return y;
    }

    /// <summary>
    /// <c>fast_rcnn_inference_single_image</c> per image: softmax (averaged over cascade stages), class boxes from the deltas,
    /// rows with anything non-finite dropped, clip, (proposal, class) pairs above the threshold,
    /// greedy NMS within each class, all by score descending (ties in pair order), the first D.
    /// </summary>
    public static (double[] Boxes, double[] Scores, double[] Classes, double[] Count) FastRcnnInference(FastRcnnInference op,
        float[][] stageLogits, float[] deltas, float[] proposals, int[] counts, int[] sizes, int perImage)
    {
        int n = counts.Length, k = op.NumClasses, d = op.DetectionsPerImage, perRow = op.ClassAgnostic ? 1 : k;
        var outBoxes = new double[n * d * 4];
        var outScores = Enumerable.Repeat(double.NegativeInfinity, n * d).ToArray();
        var outClasses = Enumerable.Repeat(-1.0, n * d).ToArray();
        var outCount = new double[n];
        for (int b = 0; b < n; b++)
        {
            var pairs = new List<(double[] Box, double Score, int Class, int Order)>();
            for (int r = 0; r < counts[b]; r++)
            {
                int row = b * perImage + r;
                // The mean of every stage's softmax (one stage: its softmax).
                var probs = new double[k + 1];
                foreach (var logits in stageLogits)
                {
                    var z = Enumerable.Range(0, k + 1).Select(j => (double)logits[row * (k + 1) + j]).ToArray();
                    double max = z.Max();
                    var e = z.Select(v => Math.Exp(v - max)).ToArray();
                    for (int j = 0; j <= k; j++) probs[j] += e[j] / e.Sum() / stageLogits.Length;
                }
                var boxes = Enumerable.Range(0, perRow).Select(j => Decode(proposals.AsSpan(row * 4, 4), deltas.AsSpan((row * perRow + j) * 4, 4), op.Weights, op.ScaleClamp)).ToArray();
                if (!probs.All(double.IsFinite) || !boxes.All(bx => bx.All(double.IsFinite))) continue;
                double h = sizes[2 * b], w = sizes[2 * b + 1];
                boxes = boxes.Select(bx => new[] { Math.Clamp(bx[0], 0, w), Math.Clamp(bx[1], 0, h), Math.Clamp(bx[2], 0, w), Math.Clamp(bx[3], 0, h) }).ToArray();
                for (int j = 0; j < k; j++)
                    if (probs[j] > op.ScoreThreshold) pairs.Add((boxes[op.ClassAgnostic ? 0 : j], probs[j], j, pairs.Count));
            }
            outCount[b] = KeepPerClass(pairs, op.NmsThreshold, d, b, outBoxes, outScores, outClasses);
        }
        return (outBoxes, outScores, outClasses, outCount);
    }

    /// <summary>
    /// Greedy NMS within each class (by score, then arrival), the best <paramref name="d"/> of all
    /// classes written as image <paramref name="b"/>'s rows; returns how many.
    /// </summary>
    private static int KeepPerClass(List<(double[] Box, double Score, int Class, int Order)> candidates, double threshold, int d, int b,
        double[] outBoxes, double[] outScores, double[] outClasses)
    {
        var kept = new List<(double[] Box, double Score, int Class, int Order)>();
        foreach (var group in candidates.GroupBy(p => p.Class))
            foreach (var c in group.OrderByDescending(p => p.Score).ThenBy(p => p.Order))
                if (kept.Where(s => s.Class == c.Class).All(s => Iou(s.Box, c.Box) <= threshold)) kept.Add(c);
        var best = kept.OrderByDescending(p => p.Score).ThenBy(p => p.Order).Take(d).ToList();
        for (int r = 0; r < best.Count; r++)
        {
            best[r].Box.CopyTo(outBoxes, (b * d + r) * 4);
            outScores[b * d + r] = best[r].Score;
            outClasses[b * d + r] = best[r].Class;
        }
        return best.Count;
    }

    /// <summary>RetinaNet's end: every level's counted candidates (class = index mod K), greedy NMS within each class, by score, the first D.</summary>
    public static (double[] Boxes, double[] Scores, double[] Classes, double[] Count) RetinaNetInference(RetinaNetInference op,
        IReadOnlyList<Tensor> inputs, int n)
    {
        int d = op.DetectionsPerImage;
        var outBoxes = new double[n * d * 4];
        var outScores = Enumerable.Repeat(double.NegativeInfinity, n * d).ToArray();
        var outClasses = Enumerable.Repeat(-1.0, n * d).ToArray();
        var outCount = new double[n];
        for (int b = 0; b < n; b++)
        {
            var candidates = new List<(double[] Box, double Score, int Class, int Order)>();
            for (int l = 0; l < op.Levels; l++)
            {
                var (boxes, scores, indices, counts) = (inputs[4 * l], inputs[4 * l + 1], inputs[4 * l + 2], inputs[4 * l + 3]);
                int k = scores.Shape[1];
                for (int r = 0; r < counts.Span<int>()[b]; r++)
                    candidates.Add((Enumerable.Range(0, 4).Select(c => (double)boxes.Data[(b * k + r) * 4 + c]).ToArray(), scores.Data[b * k + r],
                        (int)(indices.Span<long>()[b * k + r] % op.NumClasses), candidates.Count));
            }
            outCount[b] = KeepPerClass(candidates, op.NmsThreshold, d, b, outBoxes, outScores, outClasses);
        }
        return (outBoxes, outScores, outClasses, outCount);
    }

    /// <summary>Each counted box moved by its 4 deltas and clamped to its image; zeros past the count.</summary>
    public static double[] RefineBoxes(RefineBoxes op, float[] deltas, float[] boxes, int[] counts, int[] sizes, int perImage)
    {
        var y = new double[boxes.Length];
        for (int b = 0; b < counts.Length; b++)
        for (int r = 0; r < counts[b]; r++)
        {
            int row = b * perImage + r;
            var box = Decode(boxes.AsSpan(row * 4, 4), deltas.AsSpan(row * 4, 4), op.Weights, op.ScaleClamp);
            double h = sizes[2 * b], w = sizes[2 * b + 1];
            double[] clipped = [Math.Clamp(box[0], 0, w), Math.Clamp(box[1], 0, h), Math.Clamp(box[2], 0, w), Math.Clamp(box[3], 0, h)];
            clipped.CopyTo(y, row * 4);
        }
        return y;
    }

    private static double[] Decode(ReadOnlySpan<float> box, ReadOnlySpan<float> delta, float[] weights, float clamp)
    {
        double width = box[2] - box[0], height = box[3] - box[1];
        double cx = box[0] + width / 2 + delta[0] / weights[0] * width;
        double cy = box[1] + height / 2 + delta[1] / weights[1] * height;
        double pw = Math.Exp(Math.Min(delta[2] / weights[2], clamp)) * width, ph = Math.Exp(Math.Min(delta[3] / weights[3], clamp)) * height;
        return [cx - pw / 2, cy - ph / 2, cx + pw / 2, cy + ph / 2];
    }

    private static double Iou(double[] a, double[] b)
    {
        double inter = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0])) * Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    /// <summary>Where flat index i = (y·W + x)·C + c of sample b sits in an NCHW array.</summary>
    private static int NchwIndex(int b, int i, int[] shape)
    {
        int c = shape[1], h = shape[2], w = shape[3];
        int channel = i % c, pixel = i / c;
        return ((b * c + channel) * h + pixel / w) * w + pixel % w;
    }

    private static double Activate(double v, Activation activation) => activation == Activation.Relu && v < 0 ? 0 : v;
}
