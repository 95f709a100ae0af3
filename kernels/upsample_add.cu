// upsample_add.cu: the FPN top-down merge (UpsampleAdd op): y = lateral + up2x(top), halved for "avg".
//
// Layout NHWC float32: top [n, h, w, c], lateral and y [n, 2h, 2w, c]; y may be lateral (each
// element reads only its own lateral element). Nearest reads top[oy/2, ox/2]; bilinear is
// PyTorch's upsample_bilinear2d with align_corners=False (UpsampleAdd.BilinearSource; common.cuh's
// d2_bilinear2x, shared with upsample_bilinear2x.cu).
// The float32 operations are the reference's, in its order, with no multiply-add contraction:
//   up = (1−ly)·((1−lx)·t00 + lx·t01) + ly·((1−lx)·t10 + lx·t11); merged = lateral + up; avg: merged / 2
// so the result equals UpsampleAddKernel (Backends/Reference/Kernels) bit for bit.
// Thread mapping: grid-stride over the elements of y, LaunchShapes.Elementwise(count) with
//   d2_upsample_add:      count = n·2h·2w·c, one element per thread;
//   d2_upsample_add_vec4: count = n·2h·2w·c/4, four channels per thread as float4 (needs c % 4 == 0
//                         and 16-byte aligned buffers, which the 256-byte arena gives).
#include "common.cuh"

// 48 bytes.
struct UpsampleAddParams
{
    const float* top;
    const float* lateral;
    float* y;
    int n, h, w, c;   // top's size; lateral and y are 2h × 2w
    int bilinear;     // 0 nearest, 1 bilinear (align_corners=False)
    int average;      // 0 sum, 1 (lateral + up) / 2
};
D2_STRUCT_SIZE(UpsampleAddParams, 48);

// The upsampled top at output pixel (oy, ox), channel ch, of image n.
__device__ __forceinline__ float upsample_top(const UpsampleAddParams& p, int n, int oy, int ox, int ch)
{
    const float* top = p.top + (long long)n * p.h * p.w * p.c;
    if (!p.bilinear) return top[((long long)(oy / 2) * p.w + ox / 2) * p.c + ch];
    return d2_bilinear2x(top, p.h, p.w, p.c, oy, ox, ch);
}

__device__ __forceinline__ float upsample_merge(const UpsampleAddParams& p, float lateral, float up)
{
    float merged = lateral + up;
    return p.average ? merged / 2.f : merged;
}

extern "C" __global__ void d2_upsample_add(UpsampleAddParams p)
{
    int ho = 2 * p.h, wo = 2 * p.w;
    long long count = (long long)p.n * ho * wo * p.c;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        D2NhwcIndex o = d2_nhwc_index(i, ho, wo, p.c);
        p.y[i] = upsample_merge(p, p.lateral[i], upsample_top(p, o.n, o.y, o.x, o.ch));
    }
}

extern "C" __global__ void d2_upsample_add_vec4(UpsampleAddParams p)
{
    int ho = 2 * p.h, wo = 2 * p.w, quads = p.c / 4;
    long long count = (long long)p.n * ho * wo * quads;
    const float4* lateral = reinterpret_cast<const float4*>(p.lateral);
    float4* y = reinterpret_cast<float4*>(p.y);
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        D2NhwcIndex o = d2_nhwc_index(i, ho, wo, quads);
        int n = o.n, oy = o.y, ox = o.x, ch = o.ch * 4;
        float4 l = lateral[i];
        if (!p.bilinear)
        {
            // Nearest: the four channels of one top pixel, one 16-byte load.
            float4 t = reinterpret_cast<const float4*>(p.top)[(((long long)n * p.h + oy / 2) * p.w + ox / 2) * quads + ch / 4];
            y[i] = make_float4(upsample_merge(p, l.x, t.x), upsample_merge(p, l.y, t.y), upsample_merge(p, l.z, t.z), upsample_merge(p, l.w, t.w));
            continue;
        }
        y[i] = make_float4(upsample_merge(p, l.x, upsample_top(p, n, oy, ox, ch)),
                           upsample_merge(p, l.y, upsample_top(p, n, oy, ox, ch + 1)),
                           upsample_merge(p, l.z, upsample_top(p, n, oy, ox, ch + 2)),
                           upsample_merge(p, l.w, upsample_top(p, n, oy, ox, ch + 3)));
    }
}

D2_HOST_STRUCT(UpsampleAddParams)
D2_HOST_ENTRY(d2_upsample_add, UpsampleAddParams)
D2_HOST_ENTRY(d2_upsample_add_vec4, UpsampleAddParams)
