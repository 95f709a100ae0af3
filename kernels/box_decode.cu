// box_decode.cu: BoxDecode, Detectron2's Box2BoxTransform.apply_deltas on the anchors a top-k
// selected: the RPN's per-level proposals before NMS and RetinaNet's candidate boxes.
//
// Row r of batch item b: i = indices[b, r] (int64; −1 is top-k filler: the box is zeros);
// anchor = i / classes_per_anchor (RetinaNet's indices count (anchor, class) pairs), cell = anchor
// / A, a = anchor % A with A = c / 4; the deltas are channels 4a … 4a+3 of pixel `cell` of the NHWC
// deltas map, the box is anchors[anchor]; y[b, r] = common.cuh's d2_apply_deltas (the reference's
// float32 operations in its order, no contraction; NaN deltas stay NaN; no clipping).
// deltas: [n, hw, c] (c = 4A); anchors: [hw·A, 4] XYXY (the plan constant AnchorGrid made);
// indices: int64 [n, k]; y: [n, k, 4].
// Thread mapping: one thread per box, grid-stride; LaunchShapes.BoxDecode(n, k).
// Matches BoxDecodeKernel + Box2BoxTransform (Backends/Reference/Kernels) bit for bit in the host
// emulation (glibc's expf is .NET's MathF.Exp). On the device expf is within 2 ulp of the correctly
// rounded value, so a box's width or height may differ from the CPU's in its last bits.
// Faster, not done yet: nothing much to win (k ≤ a few thousand boxes per level); fusing it into
// d2_top_k_order would save a launch and a read of the indices.
#include "common.cuh"

// 72 bytes.
struct BoxDecodeParams
{
    const float* deltas;          // [n, hw, c]
    const float* anchors;         // [hw·c/4, 4]
    const long long* indices;     // [n, k]
    float* y;                     // [n, k, 4]
    float weights[4];             // wx, wy, ww, wh
    float scale_clamp;
    int n, k, hw, c;
    int classes_per_anchor;
};
D2_STRUCT_SIZE(BoxDecodeParams, 72);

extern "C" __global__ void d2_box_decode(BoxDecodeParams p)
{
    long long total = (long long)p.n * p.k;
    for (long long i = d2_first_index(); i < total; i += d2_grid_stride())
    {
        int item = (int)(i / p.k);
        float* y = p.y + i * 4;
        long long selected = p.indices[i];
        if (selected < 0)
        {
            y[0] = y[1] = y[2] = y[3] = 0.f;
            continue;
        }
        long long anchor = selected / p.classes_per_anchor;
        int perCell = p.c / 4;
        long long cell = anchor / perCell;
        int a = (int)(anchor % perCell);
        const float* d = p.deltas + ((long long)item * p.hw + cell) * p.c + 4 * a;
        d2_apply_deltas(p.anchors + anchor * 4, d, p.weights, p.scale_clamp, y);
    }
}

D2_HOST_STRUCT(BoxDecodeParams)
D2_HOST_ENTRY(d2_box_decode, BoxDecodeParams)
