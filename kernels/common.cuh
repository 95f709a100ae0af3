// common.cuh: what every kernel file shares.
//
// - Portability: under nvcc (__CUDACC__) this is plain CUDA. Under g++ (kernels/host/, the host
//   emulation the tests run) the CUDA keywords and built-ins come from host/emulator.h, so the
//   SAME kernel source is compiled both ways and checked against the C# reference on any machine.
// - Parameter structs: every entry point takes one struct by value (the host passes
//   `void* params[] = { &p }` to cuLaunchKernel). Pointers are 8 bytes (device addresses, or host
//   addresses under the emulator), int/float 4, counts `long long`. Each struct is padded by hand
//   so that C#'s [StructLayout(LayoutKind.Sequential)] (Backends/Cuda/KernelParams.cs) gives the
//   same layout; each file static_asserts its struct's size, and the tests compare it with C#.
// - Exact float32 arithmetic where the reference's rounding is the spec: D2_FMUL/D2_FADD forbid
//   nvcc's multiply-add contraction (g++ does not contract on x86-64 without -mfma).
#pragma once

#ifdef __CUDACC__
#define D2_FMUL(a, b) __fmul_rn((a), (b))
#define D2_FADD(a, b) __fadd_rn((a), (b))
// The host-emulation hooks vanish on the device.
#define D2_HOST_ENTRY(kernel, Params)
#define D2_HOST_STRUCT(Params)
#else
#include "host/emulator.h"
#define D2_FMUL(a, b) ((a) * (b))
#define D2_FADD(a, b) ((a) + (b))
#endif

#define D2_STRUCT_SIZE(Params, bytes) static_assert(sizeof(Params) == (bytes), #Params " must stay " #bytes " bytes: KernelParams.cs mirrors it")

// Threads per block of every 1-D launch (LaunchShapes.Elementwise in C#).
#define D2_BLOCK 256

// The global index of this thread and the grid's stride, in 64 bits: element counts of a batch of
// feature maps can pass 2^31.
__device__ __forceinline__ long long d2_first_index() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long d2_grid_stride() { return (long long)gridDim.x * blockDim.x; }

// max(x, 0) with .NET's MathF.Max(x, 0f) semantics: NaN stays NaN, −0 becomes +0.
__device__ __forceinline__ float d2_relu(float x) { return x > 0.f || x != x ? x : 0.f; }

// The coordinates of element i of an NHWC tensor [n, h, w, c].
struct D2NhwcIndex
{
    int n, y, x, ch;
};

__device__ __forceinline__ D2NhwcIndex d2_nhwc_index(long long i, int h, int w, int c)
{
    long long pixel = i / c;
    long long row = pixel / w;
    return {(int)(row / h), (int)(row % h), (int)(pixel % w), (int)(i % c)};
}

// PyTorch's upsample_bilinear2d with align_corners=False at scale 2 along one axis
// (UpsampleAdd.BilinearSource): the two source rows (or columns) and the weight of the second.
struct D2BilinearSource
{
    int low, high;
    float weight;
};

__device__ __forceinline__ D2BilinearSource d2_bilinear2x_source(int dst, int size)
{
    float source = fmaxf(D2_FADD(D2_FMUL(0.5f, (float)dst + 0.5f), -0.5f), 0.f);
    int low = min((int)source, size - 1);
    return {low, low < size - 1 ? low + 1 : low, source - (float)low};
}

// Channel ch of the 2× bilinear upsampling of the NHWC map [h, w, c] at output pixel (oy, ox), in
// the references' float32 order with no multiply-add contraction:
//   (1−ly)·((1−lx)·t00 + lx·t01) + ly·((1−lx)·t10 + lx·t11)
__device__ __forceinline__ float d2_bilinear2x(const float* map, int h, int w, int c, int oy, int ox, int ch)
{
    D2BilinearSource sy = d2_bilinear2x_source(oy, h), sx = d2_bilinear2x_source(ox, w);
    float t00 = map[((long long)sy.low * w + sx.low) * c + ch];
    float t01 = map[((long long)sy.low * w + sx.high) * c + ch];
    float t10 = map[((long long)sy.high * w + sx.low) * c + ch];
    float t11 = map[((long long)sy.high * w + sx.high) * c + ch];
    float hx = 1.f - sx.weight, hy = 1.f - sy.weight;
    float upper = D2_FADD(D2_FMUL(hx, t00), D2_FMUL(sx.weight, t01));
    float lower = D2_FADD(D2_FMUL(hx, t10), D2_FMUL(sx.weight, t11));
    return D2_FADD(D2_FMUL(hy, upper), D2_FMUL(sy.weight, lower));
}

// MathF.Min(v, limit) for a finite limit: NaN stays NaN.
__host__ __device__ __forceinline__ float d2_min_keep_nan(float v, float limit) { return v != v || v < limit ? v : limit; }

// Box2BoxTransform.apply_deltas for one XYXY box and its (dx, dy, dw, dh), unclipped, in the
// reference's float32 order with no contraction: w = x2 − x1, cx = x1 + 0.5·w; dx = d0 / wx …;
// dw, dh = min(d / ww, clamp) (NaN stays NaN); cx' = dx·w + cx, w' = exp(dw)·w; then
// (cx' − 0.5·w', cy' − 0.5·h', cx' + 0.5·w', cy' + 0.5·h'). glibc's expf in the host emulation is
// .NET's MathF.Exp; on the device expf is within 2 ulp of the correctly rounded value.
__device__ __forceinline__ void d2_apply_deltas(const float* box, const float* d, const float* weights, float scale_clamp, float* y)
{
    float bw = box[2] - box[0], bh = box[3] - box[1];
    float cx = D2_FADD(box[0], D2_FMUL(0.5f, bw)), cy = D2_FADD(box[1], D2_FMUL(0.5f, bh));
    float dx = d[0] / weights[0], dy = d[1] / weights[1];
    float dw = d2_min_keep_nan(d[2] / weights[2], scale_clamp), dh = d2_min_keep_nan(d[3] / weights[3], scale_clamp);
    float px = D2_FADD(D2_FMUL(dx, bw), cx), py = D2_FADD(D2_FMUL(dy, bh), cy);
    float pw = D2_FMUL(expf(dw), bw), ph = D2_FMUL(expf(dh), bh);
    y[0] = D2_FADD(px, -D2_FMUL(0.5f, pw));
    y[1] = D2_FADD(py, -D2_FMUL(0.5f, ph));
    y[2] = D2_FADD(px, D2_FMUL(0.5f, pw));
    y[3] = D2_FADD(py, D2_FMUL(0.5f, ph));
}
