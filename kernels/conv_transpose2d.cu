// conv_transpose2d.cu: ConvTranspose2d (one group, no dilation or output padding, optional bias and
// fused ReLU) on NHWC float32: the mask head's 2×2 stride-2 deconvolution and the keypoint head's
// 4×4 stride-2 padding-1 one.
//
// y[n, oy, ox, co] = act(bias[co] + Σ_(ky, kx) Σ_ci x[n, iy, ix, ci] · w[ky, kx, ci, co]) over the
// taps with oy + padding − ky = iy·stride, 0 ≤ iy < h (likewise x): a gather (each output sums the
// input pixels that map onto it), so no two threads write one element and no atomics are needed.
// x: [n, h, w, cin]; y: [n, ho, wo, cout], ho = (h − 1)·stride − 2·padding + kernel; w: the
// weight repacked at bind from PyTorch's [cin, cout, k, k] to [k, k, cin, cout] (Backends/Cuda/
// Kernels/ConvTranspose2dKernel.cs); bias [cout] or null.
// Thread mapping: one thread per element of y, grid-stride, output channels fastest: a warp's
// threads read one input pixel's channels (the same address: a broadcast) and 32 neighbouring
// weights of each (ky, kx, ci) row (coalesced). LaunchShapes.ConvTranspose2d(n, ho, wo, cout).
// The rows of the ROI heads' unused slots are computed too (they read zeros) and then zeroed by
// slot_rows.cu, as after every row-wise step.
// Matches ConvTranspose2dKernel (Backends/Reference/Kernels) bit for bit: the same taps in the same
// order (ky, kx, then ci), each product of two floats exact in double, summed in double from the
// bias and rounded once (on the device a DFMA of an exact product rounds as the add does).
// Faster, not done yet: the output pixels of one phase (oy mod stride, ox mod stride) share their
// taps, so each phase is an implicit GEMM [pixels × cout] reduced over taps × cin, as the CPU
// backend runs it: a block tiling 64 pixels × 64 output channels would stage 16-channel slices of
// the taps' input rows and of the weight in shared memory and give each thread a 4 × 4 register
// tile, reading every input and weight once per tile instead of once per output element (and in
// float32 with FMAs, within BackendOpTests' tolerance rather than exact).
#include "common.cuh"

// 80 bytes.
struct ConvTranspose2dParams
{
    const float* x;
    const float* weight;   // [k, k, cin, cout]
    const float* bias;     // [cout], or null
    float* y;
    int n, h, w, cin, cout, ho, wo;
    int kernel, stride, padding, relu;
    int pad_;
};
D2_STRUCT_SIZE(ConvTranspose2dParams, 80);

// The input index i (0 ≤ i < size) a tap reaches at output position o, or −1: o + padding − k must
// be a non-negative multiple of the stride.
__host__ __device__ __forceinline__ int d2_transposed_source(int o, int k, int stride, int padding, int size)
{
    int s = o + padding - k;
    if (s < 0 || s % stride != 0 || s / stride >= size) return -1;
    return s / stride;
}

extern "C" __global__ void d2_conv_transpose2d(ConvTranspose2dParams p)
{
    long long total = (long long)p.n * p.ho * p.wo * p.cout;
    for (long long i = d2_first_index(); i < total; i += d2_grid_stride())
    {
        int co = (int)(i % p.cout);
        long long pixel = i / p.cout;
        int ox = (int)(pixel % p.wo), oy = (int)(pixel / p.wo % p.ho), n = (int)(pixel / ((long long)p.wo * p.ho));
        double sum = p.bias ? (double)p.bias[co] : 0.0;
        for (int ky = 0; ky < p.kernel; ky++)
        {
            int iy = d2_transposed_source(oy, ky, p.stride, p.padding, p.h);
            if (iy < 0) continue;
            for (int kx = 0; kx < p.kernel; kx++)
            {
                int ix = d2_transposed_source(ox, kx, p.stride, p.padding, p.w);
                if (ix < 0) continue;
                const float* x = p.x + (((long long)n * p.h + iy) * p.w + ix) * p.cin;
                const float* weight = p.weight + (long long)(ky * p.kernel + kx) * p.cin * p.cout + co;
                for (int ci = 0; ci < p.cin; ci++) sum += (double)x[ci] * (double)weight[(long long)ci * p.cout];
            }
        }
        float v = (float)sum;
        p.y[i] = p.relu ? d2_relu(v) : v;
    }
}

D2_HOST_STRUCT(ConvTranspose2dParams)
D2_HOST_ENTRY(d2_conv_transpose2d, ConvTranspose2dParams)
