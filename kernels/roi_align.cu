// roi_align.cu: RoiAlign on NHWC float32, Detectron2's ROIPooler with ROIAlign / ROIAlignV2
// (torchvision's roi_align) over the FPN levels.
//
// Inputs: up to D2_ROI_MAX_LEVELS feature maps x[l] [n, h[l], w[l], c] (finest first, scale[l] =
// 1/stride), boxes [n, p, 4] (XYXY, image pixels) and counts int32 [n], read on the device.
// Output y [n·p, size, size, c]: row n·p + r is box r of image n pooled from its level, chosen as
// assign_boxes_to_levels does (floor(canonical_level + log2(sqrt(area) / canonical_box_size +
// 1e-8)) clamped to the levels, float32); a row past its image's count, or a box whose level is NaN,
// is zero. A bin is the mean of grid_h × grid_w bilinear samples (sampling, or ceil(bin size) per
// box and axis when 0); `aligned` (ROIAlignV2) shifts the box by half a pixel and does not enlarge
// small boxes to one pixel. Samples more than a pixel outside the map contribute zero.
// Thread mapping: one thread per element of y, grid-stride, channels fastest (the four taps of a
// sample are read coalesced across a warp's channels); every thread of a bin repeats the box's
// level and sampling geometry, a few float operations. LaunchShapes.Elementwise(n·p·size·size·c).
// Matches RoiAlignKernel + RoiAlignSampling + RoiPoolerKernel (Backends/Reference/Kernels) exactly
// in the host emulation: the same float32 operations in the same order, no contraction into FMAs
// (D2_FMUL/D2_FADD). On the device sqrtf is correctly rounded, log2f within an ulp of glibc's: a box
// whose level lies within that of an integer may be pooled from the neighbouring level.
#include "common.cuh"

#define D2_ROI_MAX_LEVELS 8

// 224 bytes.
struct RoiAlignParams
{
    const float* x[D2_ROI_MAX_LEVELS];   // unused levels: null
    const float* boxes;                  // [n, p, 4]
    const int* counts;                   // [n]
    float* y;                            // [n·p, size, size, c]
    int h[D2_ROI_MAX_LEVELS];
    int w[D2_ROI_MAX_LEVELS];
    float scale[D2_ROI_MAX_LEVELS];
    int levels, n, p, c;
    int size, sampling, aligned;
    int canonical_box_size, canonical_level, min_level;
};
D2_STRUCT_SIZE(RoiAlignParams, 224);

// (int)ceilf(v) saturated as .NET converts: NaN → 0, beyond int's range → its bound.
__host__ __device__ __forceinline__ int d2_ceil_to_int(float v)
{
    v = ceilf(v);
    if (v != v) return 0;
    if (v >= 2147483647.f) return 2147483647;
    if (v <= -2147483648.f) return (-2147483647 - 1);
    return (int)v;
}

// RoiPooler.LevelIndex: the level index (0 = finest) of a box, −1 when its level is NaN.
__host__ __device__ __forceinline__ int d2_roi_level(const RoiAlignParams& p, float x1, float y1, float x2, float y2)
{
    if (p.levels == 1) return 0;
    float size = sqrtf(D2_FMUL(x2 - x1, y2 - y1));
    float level = floorf(D2_FADD((float)p.canonical_level, log2f(D2_FADD(size / (float)p.canonical_box_size, 1e-8f))));
    if (level != level) return -1;
    float lo = (float)p.min_level, hi = (float)(p.min_level + p.levels - 1);
    return (int)fminf(fmaxf(level, lo), hi) - p.min_level;
}

// One channel of one bin: RoiAlignKernel.Pool with RoiAlignSampling's geometry and taps.
__host__ __device__ __forceinline__ float d2_roi_align_bin(const RoiAlignParams& p, const float* x, int h, int w, float scale,
                                                           const float* box, int ph, int pw, int ch)
{
    float offset = p.aligned ? 0.5f : 0.f;
    float start_x = D2_FADD(D2_FMUL(box[0], scale), -offset);
    float start_y = D2_FADD(D2_FMUL(box[1], scale), -offset);
    float width = D2_FADD(D2_FADD(D2_FMUL(box[2], scale), -offset), -start_x);
    float height = D2_FADD(D2_FADD(D2_FMUL(box[3], scale), -offset), -start_y);
    if (!p.aligned)
    {
        width = fmaxf(width, 1.f);
        height = fmaxf(height, 1.f);
    }
    float bin_h = height / (float)p.size, bin_w = width / (float)p.size;
    int grid_h = p.sampling > 0 ? p.sampling : d2_ceil_to_int(height / (float)p.size);
    int grid_w = p.sampling > 0 ? p.sampling : d2_ceil_to_int(width / (float)p.size);
    int samples = (int)((unsigned)grid_h * (unsigned)grid_w);
    float count = (float)(samples > 1 ? samples : 1);

    float sum = 0.f;
    for (int iy = 0; iy < grid_h; iy++)
    {
        // SampleY: start + bin·bin_h + (i + 0.5)·bin_h / grid_h.
        float sy = D2_FADD(D2_FADD(start_y, D2_FMUL((float)ph, bin_h)), D2_FMUL((float)iy + 0.5f, bin_h) / (float)grid_h);
        for (int ix = 0; ix < grid_w; ix++)
        {
            float sx = D2_FADD(D2_FADD(start_x, D2_FMUL((float)pw, bin_w)), D2_FMUL((float)ix + 0.5f, bin_w) / (float)grid_w);
            if (sy < -1.f || sy > (float)h || sx < -1.f || sx > (float)w) continue;
            float yy = sy <= 0.f ? 0.f : sy, xx = sx <= 0.f ? 0.f : sx;
            int y0 = (int)yy, x0 = (int)xx, y1, x1;
            if (y0 >= h - 1) { y0 = y1 = h - 1; yy = (float)y0; } else y1 = y0 + 1;
            if (x0 >= w - 1) { x0 = x1 = w - 1; xx = (float)x0; } else x1 = x0 + 1;
            float ly = yy - (float)y0, lx = xx - (float)x0, hy = 1.f - ly, hx = 1.f - lx;
            float w00 = D2_FMUL(hy, hx), w01 = D2_FMUL(hy, lx), w10 = D2_FMUL(ly, hx), w11 = D2_FMUL(ly, lx);
            long long row0 = (long long)y0 * w, row1 = (long long)y1 * w;
            float v00 = x[(row0 + x0) * p.c + ch], v01 = x[(row0 + x1) * p.c + ch];
            float v10 = x[(row1 + x0) * p.c + ch], v11 = x[(row1 + x1) * p.c + ch];
            // bin += w00·v00 + w01·v01 + w10·v10 + w11·v11, summed left to right.
            float blend = D2_FADD(D2_FADD(D2_FADD(D2_FMUL(w00, v00), D2_FMUL(w01, v01)), D2_FMUL(w10, v10)), D2_FMUL(w11, v11));
            sum = D2_FADD(sum, blend);
        }
    }
    return sum / count;
}

extern "C" __global__ void d2_roi_align(RoiAlignParams p)
{
    long long bin_elements = (long long)p.size * p.size * p.c;
    long long total = (long long)p.n * p.p * bin_elements;
    for (long long i = d2_first_index(); i < total; i += d2_grid_stride())
    {
        long long row = i / bin_elements;
        int within = (int)(i % bin_elements);
        int ch = within % p.c, bin = within / p.c, ph = bin / p.size, pw = bin % p.size;
        int image = (int)(row / p.p), r = (int)(row % p.p);
        const float* box = p.boxes + row * 4;
        int level = r < p.counts[image] ? d2_roi_level(p, box[0], box[1], box[2], box[3]) : -1;
        if (level < 0)
        {
            p.y[i] = 0.f;
            continue;
        }
        int h = p.h[level], w = p.w[level];
        const float* x = p.x[level] + (long long)image * h * w * p.c;
        p.y[i] = d2_roi_align_bin(p, x, h, w, p.scale[level], box, ph, pw, ch);
    }
}

D2_HOST_STRUCT(RoiAlignParams)
D2_HOST_ENTRY(d2_roi_align, RoiAlignParams)
