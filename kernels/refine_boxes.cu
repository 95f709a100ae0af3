// refine_boxes.cu: RefineBoxes, one Cascade R-CNN stage's boxes for the next: each box moved by its
// class-agnostic deltas (Box2BoxTransform.apply_deltas with the stage's weights) and clipped to its
// image, as _create_proposals_from_boxes does at test time (no box is dropped).
//
// deltas: [n·p, 4] (dx, dy, dw, dh); boxes, y: [n, p, 4] XYXY; counts int32 [n] and image_sizes
// int32 [n, 2] (height, width), read on the device. Row r of image b is refined when r < counts[b]
// and zero otherwise. w = x2 − x1, cx = x1 + 0.5·w; dx = d0 / wx …; dw, dh = min(d / ww, clamp)
// (NaN stays NaN, as MathF.Min); cx' = dx·w + cx, w' = exp(dw)·w; each corner then clamped to
// [0, width] or [0, height] as Math.Clamp does (NaN stays NaN).
// Thread mapping: one thread per box, grid-stride; LaunchShapes.RefineBoxes(n, p).
// Matches RefineBoxesKernel + Box2BoxTransform (Backends/Reference/Kernels) bit for bit in the host
// emulation: the same float32 operations in the same order, no contraction into FMAs
// (D2_FMUL/D2_FADD), glibc's expf as .NET's MathF.Exp. On the device expf is within 2 ulp of the
// correctly rounded value, so a refined box may differ from the CPU's in its last bits.
#include "common.cuh"

// 72 bytes.
struct RefineBoxesParams
{
    const float* deltas;   // [n·p, 4]
    const float* boxes;    // [n, p, 4]
    const int* counts;     // [n]
    const int* sizes;      // [n, 2]: height, width
    float* y;              // [n, p, 4]
    float weights[4];      // wx, wy, ww, wh
    float scale_clamp;
    int n, p;
};
D2_STRUCT_SIZE(RefineBoxesParams, 72);

// MathF.Min(v, limit) for a finite limit: NaN stays NaN.
__host__ __device__ __forceinline__ float d2_min_keep_nan(float v, float limit) { return v != v || v < limit ? v : limit; }

// Math.Clamp(v, 0, hi): NaN and −0 pass through.
__host__ __device__ __forceinline__ float d2_clamp_box(float v, float hi) { return v < 0.f ? 0.f : v > hi ? hi : v; }

extern "C" __global__ void d2_refine_boxes(RefineBoxesParams p)
{
    long long total = (long long)p.n * p.p;
    for (long long i = d2_first_index(); i < total; i += d2_grid_stride())
    {
        int image = (int)(i / p.p), r = (int)(i % p.p);
        float* y = p.y + i * 4;
        if (r >= p.counts[image])
        {
            y[0] = y[1] = y[2] = y[3] = 0.f;
            continue;
        }
        const float* box = p.boxes + i * 4;
        const float* d = p.deltas + i * 4;
        float height = (float)p.sizes[2 * image], width = (float)p.sizes[2 * image + 1];
        float bw = box[2] - box[0], bh = box[3] - box[1];
        float cx = D2_FADD(box[0], D2_FMUL(0.5f, bw)), cy = D2_FADD(box[1], D2_FMUL(0.5f, bh));
        float dx = d[0] / p.weights[0], dy = d[1] / p.weights[1];
        float dw = d2_min_keep_nan(d[2] / p.weights[2], p.scale_clamp), dh = d2_min_keep_nan(d[3] / p.weights[3], p.scale_clamp);
        float px = D2_FADD(D2_FMUL(dx, bw), cx), py = D2_FADD(D2_FMUL(dy, bh), cy);
        float pw = D2_FMUL(expf(dw), bw), ph = D2_FMUL(expf(dh), bh);
        y[0] = d2_clamp_box(D2_FADD(px, -D2_FMUL(0.5f, pw)), width);
        y[1] = d2_clamp_box(D2_FADD(py, -D2_FMUL(0.5f, ph)), height);
        y[2] = d2_clamp_box(D2_FADD(px, D2_FMUL(0.5f, pw)), width);
        y[3] = d2_clamp_box(D2_FADD(py, D2_FMUL(0.5f, ph)), height);
    }
}

D2_HOST_STRUCT(RefineBoxesParams)
D2_HOST_ENTRY(d2_refine_boxes, RefineBoxesParams)
