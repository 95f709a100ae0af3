// deform_conv2d.cu: the gather half of DeformConv2d (v1, and v2 with its modulation mask).
//
// d2_deform_im2col writes, for every output pixel P = (n, oy, ox) (row P = (n·ho + oy)·wo + ox),
// the row columns[P, :] of length K·K·c (K = kernel), ordered conv-group-major, then tap-major,
// then channel: column g·(K·K·cg) + k·cg + (ci − g·cg) for conv group g = ci / cg (cg = c/groups),
// tap k = i·K + j. Its value is mask · bilinear(x[n, :, :, ci]) at
//   (oy·stride − padding + i·dilation + dy, ox·stride − padding + j·dilation + dx)
// with torchvision's rules: a point outside (−1, H) × (−1, W) reads 0, a corner off the map reads
// 0. x: NHWC [n, h, w, c]; offset: NHWC [n, ho, wo, oc], oc = (2 or 3)·K·K·dg, Detectron2's
// channel convention: (dy, dx) of tap k of deformable group d at channels 2·(d·K·K + k) and +1;
// for v2 the mask is sigmoid(offset channel 2·K·K·dg + d·K·K + k); d = ci / (c/dg).
//
// The GEMM it feeds (cuBLAS, column-major, one call per conv group g, og = cout/groups):
//   cublasSgemm(OP_T, OP_N, m = og, n = N·ho·wo, k = K·K·cg, α = 1,
//               A = Wp + g·og·K·K·cg, lda = K·K·cg,
//               B = columns + g·K·K·cg, ldb = K·K·c, β = 0,
//               C = y + g·og, ldc = cout)
// where Wp is the folded weight repacked row-major [cout, K·K·cg] with Wp[o, k·cg + cl] =
// weight[o, cl, i, j] (PyTorch's [cout, cin/g, K, K]); C is then the NHWC output [N·ho·wo, cout],
// and d2_bias_activation adds the folded-BN bias and applies the activation.
//
// Thread mapping: a warp per (pixel, tap) unit, grid-stride over the N·ho·wo·K·K units, its 32
// lanes striding over the c channels: the unit's coordinates are worked out once per warp (no
// 64-bit division per element), and the lanes write consecutive columns and read consecutive
// channels of x; d2_deform_im2col_vec4 gives each lane four consecutive channels (when c/groups
// and c/dg are multiples of 4). LaunchShapes.DeformIm2col(n, ho, wo, kernel) = Elementwise(32 · units)
// for both. Plain
// thread indices, no warp intrinsics, so the host emulator runs it as is. Matches
// DeformConv2dKernel (Backends/Reference/Kernels)'s
// column (mask · (w00·v00 + w01·v01 + w10·v10 + w11·v11), its float32 order) within float32
// rounding: nvcc may fuse the products into multiply-adds.
#include "common.cuh"

// 80 bytes.
struct DeformIm2colParams
{
    const float* x;
    const float* offset;
    float* columns;
    int n, h, w, c, ho, wo, kernel, stride, padding, dilation, groups, deformable_groups, modulated;
    int pad_;   // keeps the size a multiple of 8, as C# lays the struct out
};
D2_STRUCT_SIZE(DeformIm2colParams, 80);

// One sampling point of a (pixel, tap) unit for one deformable group: the four corners' element
// offsets in an [h, w, c] map (−1 for a corner off the map, which reads 0) and their weights,
// the mask folded in last as the reference does: mask · (w00·v00 + w01·v01 + w10·v10 + w11·v11).
struct DeformPoint
{
    int at00, at01, at10, at11;
    float w00, w01, w10, w11, mask;
    bool inside;
};

__device__ __forceinline__ DeformPoint deform_point(int h, int w, int c, float sy, float sx, float mask)
{
    DeformPoint q;
    q.mask = mask;
    q.inside = !(sy <= -1.f || sy >= (float)h || sx <= -1.f || sx >= (float)w);
    if (!q.inside) return q;
    int y0 = (int)floorf(sy), x0 = (int)floorf(sx);
    int y1 = y0 + 1, x1 = x0 + 1;
    float ly = sy - (float)y0, lx = sx - (float)x0;
    float hy = 1.f - ly, hx = 1.f - lx;
    bool top = y0 >= 0, bottom = y1 <= h - 1, left = x0 >= 0, right = x1 <= w - 1;
    q.at00 = top && left ? (y0 * w + x0) * c : -1;
    q.at01 = top && right ? (y0 * w + x1) * c : -1;
    q.at10 = bottom && left ? (y1 * w + x0) * c : -1;
    q.at11 = bottom && right ? (y1 * w + x1) * c : -1;
    q.w00 = hy * hx; q.w01 = hy * lx; q.w10 = ly * hx; q.w11 = ly * lx;
    return q;
}

// mask · bilinear sample of channel ch at the point.
__device__ __forceinline__ float deform_sample(const float* x, const DeformPoint& q, int ch)
{
    if (!q.inside) return q.mask * 0.f;
    float v00 = q.at00 >= 0 ? x[q.at00 + ch] : 0.f;
    float v01 = q.at01 >= 0 ? x[q.at01 + ch] : 0.f;
    float v10 = q.at10 >= 0 ? x[q.at10 + ch] : 0.f;
    float v11 = q.at11 >= 0 ? x[q.at11 + ch] : 0.f;
    return q.mask * (q.w00 * v00 + q.w01 * v01 + q.w10 * v10 + q.w11 * v11);
}

__device__ __forceinline__ float4 deform_corner4(const float* x, int at, int ch)
{
    return at >= 0 ? *reinterpret_cast<const float4*>(x + at + ch) : make_float4(0.f, 0.f, 0.f, 0.f);
}

__device__ __forceinline__ float deform_mix(const DeformPoint& q, float v00, float v01, float v10, float v11)
{
    return q.mask * (q.w00 * v00 + q.w01 * v01 + q.w10 * v10 + q.w11 * v11);
}

// Channels ch … ch+3 at once: four 16-byte corner loads, the same arithmetic per channel.
__device__ __forceinline__ float4 deform_sample4(const float* x, const DeformPoint& q, int ch)
{
    if (!q.inside) return make_float4(q.mask * 0.f, q.mask * 0.f, q.mask * 0.f, q.mask * 0.f);
    float4 v00 = deform_corner4(x, q.at00, ch), v01 = deform_corner4(x, q.at01, ch);
    float4 v10 = deform_corner4(x, q.at10, ch), v11 = deform_corner4(x, q.at11, ch);
    return make_float4(deform_mix(q, v00.x, v01.x, v10.x, v11.x), deform_mix(q, v00.y, v01.y, v10.y, v11.y),
                       deform_mix(q, v00.z, v01.z, v10.z, v11.z), deform_mix(q, v00.w, v01.w, v10.w, v11.w));
}

#define D2_DEFORM_LANES 32

// V consecutive channels per lane: 1, or 4 (16-byte loads and stores) when c/groups and c/dg are
// multiples of 4, so a lane's four channels share their conv group, deformable group and point.
template <int V>
__device__ __forceinline__ void deform_im2col(const DeformIm2colParams& p)
{
    int taps = p.kernel * p.kernel;
    int perGroup = p.c / p.groups, perDeformable = p.c / p.deformable_groups;
    int offsetChannels = (p.modulated ? 3 : 2) * taps * p.deformable_groups;
    int lane = threadIdx.x % D2_DEFORM_LANES;
    // 32-bit index math, once per unit: DeformConv2dKernel.Prepare checks that the units and the
    // maps' elements stay below 2^31 (an 800×1344 image has 151,200 units at res3).
    int units = p.n * p.ho * p.wo * taps;
    long long firstUnit = d2_first_index() / D2_DEFORM_LANES, unitStride = d2_grid_stride() / D2_DEFORM_LANES;
    for (int unit = (int)firstUnit; unit < units; unit += (int)unitStride)
    {
        int k = unit % taps, pixel = unit / taps;
        int ox = pixel % p.wo, oy = pixel / p.wo % p.ho, n = pixel / (p.wo * p.ho);
        const float* offset = p.offset + (long long)pixel * offsetChannels;
        const float* x = p.x + (long long)n * p.h * p.w * p.c;
        float* columns = p.columns + (long long)pixel * taps * p.c;
        float baseY = (float)(oy * p.stride - p.padding + k / p.kernel * p.dilation);
        float baseX = (float)(ox * p.stride - p.padding + k % p.kernel * p.dilation);
        // A lane's channels change deformable group rarely (never when dg = 1): its point is
        // worked out once per group, not per channel.
        int pointGroup = -1;
        DeformPoint q;
        for (int ch = lane * V; ch < p.c; ch += D2_DEFORM_LANES * V)
        {
            int d = ch / perDeformable;
            if (d != pointGroup)
            {
                float dy = offset[2 * (d * taps + k)], dx = offset[2 * (d * taps + k) + 1];
                float mask = p.modulated ? 1.f / (1.f + expf(-offset[2 * taps * p.deformable_groups + d * taps + k])) : 1.f;
                q = deform_point(p.h, p.w, p.c, baseY + dy, baseX + dx, mask);
                pointGroup = d;
            }
            int g = ch / perGroup;
            float* out = columns + g * taps * perGroup + k * perGroup + (ch - g * perGroup);
            if (V == 1) *out = deform_sample(x, q, ch);
            else *reinterpret_cast<float4*>(out) = deform_sample4(x, q, ch);
        }
    }
}

extern "C" __global__ void d2_deform_im2col(DeformIm2colParams p) { deform_im2col<1>(p); }

extern "C" __global__ void d2_deform_im2col_vec4(DeformIm2colParams p) { deform_im2col<4>(p); }

D2_HOST_STRUCT(DeformIm2colParams)
D2_HOST_ENTRY(d2_deform_im2col, DeformIm2colParams)
D2_HOST_ENTRY(d2_deform_im2col_vec4, DeformIm2colParams)
