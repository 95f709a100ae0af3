// refine_boxes.cu: RefineBoxes, one Cascade R-CNN stage's boxes for the next: each box moved by its
// class-agnostic deltas (Box2BoxTransform.apply_deltas with the stage's weights) and clipped to its
// image, as _create_proposals_from_boxes does at test time (no box is dropped).
//
// deltas: [n·p, 4] (dx, dy, dw, dh); boxes, y: [n, p, 4] XYXY; counts int32 [n] and image_sizes
// int32 [n, 2] (height, width), read on the device. Row r of image b is refined when r < counts[b]
// and zero otherwise. w = x2 − x1, cx = x1 + 0.5·w; dx = d0 / wx …; dw, dh = min(d / ww, clamp)
// (NaN stays NaN, as MathF.Min); cx' = dx·w + cx, w' = exp(dw)·w (common.cuh's d2_apply_deltas,
// shared with box_decode.cu); each corner then clamped to [0, width] or [0, height] as Math.Clamp
// does (NaN stays NaN).
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
        float height = (float)p.sizes[2 * image], width = (float)p.sizes[2 * image + 1];
        float moved[4];
        d2_apply_deltas(p.boxes + i * 4, p.deltas + i * 4, p.weights, p.scale_clamp, moved);
        y[0] = d2_clamp_box(moved[0], width);
        y[1] = d2_clamp_box(moved[1], height);
        y[2] = d2_clamp_box(moved[2], width);
        y[3] = d2_clamp_box(moved[3], height);
    }
}

D2_HOST_STRUCT(RefineBoxesParams)
D2_HOST_ENTRY(d2_refine_boxes, RefineBoxesParams)
