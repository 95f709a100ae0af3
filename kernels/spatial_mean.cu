// spatial_mean.cu: SpatialMean, x.mean(dim=[2, 3]) on NHWC float32 (the C4 ROI heads' res5 output
// reduced per box before the predictor).
//
// y[r, c] = (Σ_p x[r, p, c]) / (h·w), the sum in double over the pixels p in order, rounded once.
// x: [rows, h·w, c]; y: [rows, c].
// Thread mapping: one thread per element of y, grid-stride; a warp reads 32 neighbouring channels
// of each pixel (coalesced). LaunchShapes.Elementwise(rows·c).
// Matches SpatialMeanKernel (Backends/Reference/Kernels) exactly.
#include "common.cuh"

// 32 bytes.
struct SpatialMeanParams
{
    const float* x;
    float* y;
    long long rows;
    int plane, c;
};
D2_STRUCT_SIZE(SpatialMeanParams, 32);

extern "C" __global__ void d2_spatial_mean(SpatialMeanParams p)
{
    long long count = p.rows * p.c;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        long long row = i / p.c;
        int ch = (int)(i % p.c);
        const float* x = p.x + row * p.plane * p.c + ch;
        double sum = 0;
        for (int q = 0; q < p.plane; q++) sum += x[(long long)q * p.c];
        p.y[i] = (float)(sum / p.plane);
    }
}

D2_HOST_STRUCT(SpatialMeanParams)
D2_HOST_ENTRY(d2_spatial_mean, SpatialMeanParams)
