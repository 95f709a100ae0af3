// anchor_grid.cu: Detectron2's DefaultAnchorGenerator grid for one feature level (AnchorGrid op).
//
// y[(gy·w + gx)·a + k] = cell_anchors[k] + (shift_x, shift_y, shift_x, shift_y), row-major over
// the grid, shift = torch.arange(offset·stride, size·stride, stride, dtype=float32)[index]: the
// shift is computed in double and rounded once to float, then added in float32.
// cell_anchors: [a, 4] (x0, y0, x1, y1); y: [h·w·a, 4].
// Thread mapping: one thread per anchor (4 floats), grid-stride; LaunchShapes.Elementwise(h·w·a).
// Runs once per plan (a shape-only node). Matches AnchorGridKernel (Backends/Reference/Kernels) exactly.
#include "common.cuh"

// 40 bytes.
struct AnchorGridParams
{
    const float* cell_anchors;
    float* y;
    int h, w, a, stride;
    float offset;
    int pad_;   // keeps the size a multiple of 8, as C# lays the struct out
};
D2_STRUCT_SIZE(AnchorGridParams, 40);

__device__ __forceinline__ float anchor_shift(const AnchorGridParams& p, int index)
{
    return (float)((double)p.offset * p.stride + (double)index * p.stride);
}

extern "C" __global__ void d2_anchor_grid(AnchorGridParams p)
{
    long long count = (long long)p.h * p.w * p.a;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        int k = (int)(i % p.a);
        long long cell = i / p.a;
        float sx = anchor_shift(p, (int)(cell % p.w)), sy = anchor_shift(p, (int)(cell / p.w));
        const float* anchor = p.cell_anchors + 4 * k;
        float* y = p.y + 4 * i;
        y[0] = sx + anchor[0];
        y[1] = sy + anchor[1];
        y[2] = sx + anchor[2];
        y[3] = sy + anchor[3];
    }
}

D2_HOST_STRUCT(AnchorGridParams)
D2_HOST_ENTRY(d2_anchor_grid, AnchorGridParams)
