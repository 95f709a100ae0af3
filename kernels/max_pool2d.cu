// max_pool2d.cu: MaxPool2d on NHWC float32 (the ResNet stem's 3×3/2 pool, FPN's P6 "LastLevelMaxPool").
//
// y[n, oy, ox, c] = max over the window x[n, oy·stride − padding + [0, kernel), ox·stride − padding
// + [0, kernel), c]. Taps in the padding are skipped (reading −∞ there, as PyTorch pads); a NaN in
// the window wins, as in PyTorch. x: [n, h, w, c]; y: [n, ho, wo, c].
// Thread mapping: one thread per element of y, grid-stride (coalesced over c);
// LaunchShapes.Elementwise(n·ho·wo·c). Matches MaxPool2dKernel (Backends/Reference/Kernels)
// exactly (a maximum rounds nothing).
#include "common.cuh"

// 56 bytes.
struct MaxPool2dParams
{
    const float* x;
    float* y;
    int n, h, w, c, ho, wo, kernel, stride, padding;
    int pad_;   // keeps the size a multiple of 8, as C# lays the struct out
};
D2_STRUCT_SIZE(MaxPool2dParams, 56);

extern "C" __global__ void d2_max_pool2d(MaxPool2dParams p)
{
    long long count = (long long)p.n * p.ho * p.wo * p.c;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        int ch = (int)(i % p.c);
        long long pixel = i / p.c;
        int ox = (int)(pixel % p.wo);
        long long row = pixel / p.wo;
        int oy = (int)(row % p.ho);
        int n = (int)(row / p.ho);
        int top = oy * p.stride - p.padding, left = ox * p.stride - p.padding;
        const float* x = p.x + (long long)n * p.h * p.w * p.c + ch;
        float best = -INFINITY;
        for (int iy = max(top, 0); iy < min(top + p.kernel, p.h); iy++)
            for (int ix = max(left, 0); ix < min(left + p.kernel, p.w); ix++)
            {
                float v = x[((long long)iy * p.w + ix) * p.c];
                if (v > best || v != v) best = v;
            }
        p.y[i] = best;
    }
}

D2_HOST_STRUCT(MaxPool2dParams)
D2_HOST_ENTRY(d2_max_pool2d, MaxPool2dParams)
