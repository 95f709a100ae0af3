// group_norm.cu: GroupNorm (+ optional ReLU) on NHWC float32, in two launches.
//
// x, y: [n, hw, c] (y may be x: every statistic is complete before the apply kernel writes).
// Group g of image n is channels [g·c/groups, (g+1)·c/groups) over all hw pixels.
// 1. d2_group_norm_stats: one block per (n, group), LaunchShapes.GroupNormStats(n·groups):
//    grid n·groups, block D2_GROUP_NORM_THREADS (256). Each thread sums its elements and their
//    squares in double; a shared-memory tree (no warp shuffles, so the host emulator runs it)
//    reduces them; thread 0 writes stats[2·(n·groups + g)] = (mean, 1/√(var + eps)) as floats,
//    var = E[x²] − mean², biased, as PyTorch's.
// 2. d2_group_norm_apply: one thread per element, grid-stride, LaunchShapes.Elementwise(n·hw·c):
//    y = act((x − mean) · (rstd · weight[c]) + bias[c]) in float32, the reference's grouping.
// Matches GroupNormKernel (Backends/Reference/Kernels), which works in double throughout, within
// float32 rounding of the statistics and the affine step.
#include "common.cuh"

#define D2_GROUP_NORM_THREADS 256

// 64 bytes.
struct GroupNormParams
{
    const float* x;
    float* y;
    const float* weight;
    const float* bias;
    float* stats;   // [n·groups, 2]: mean, rstd
    int n, hw, c, groups;
    float eps;
    int relu;
};
D2_STRUCT_SIZE(GroupNormParams, 64);

extern "C" __global__ void d2_group_norm_stats(GroupNormParams p)
{
    __shared__ double sums[D2_GROUP_NORM_THREADS];
    __shared__ double squares[D2_GROUP_NORM_THREADS];
    int n = blockIdx.x / p.groups, g = blockIdx.x % p.groups;
    int perGroup = p.c / p.groups;
    long long count = (long long)p.hw * perGroup;
    const float* x = p.x + (long long)n * p.hw * p.c + g * perGroup;
    double sum = 0, square = 0;
    for (long long e = threadIdx.x; e < count; e += blockDim.x)
    {
        double v = x[e / perGroup * p.c + e % perGroup];
        sum += v;
        square += v * v;
    }
    sums[threadIdx.x] = sum;
    squares[threadIdx.x] = square;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2)
    {
        if (threadIdx.x < half)
        {
            sums[threadIdx.x] += sums[threadIdx.x + half];
            squares[threadIdx.x] += squares[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0)
    {
        double mean = sums[0] / (double)count;
        double variance = fmax(squares[0] / (double)count - mean * mean, 0.0);
        p.stats[2 * blockIdx.x] = (float)mean;
        p.stats[2 * blockIdx.x + 1] = (float)(1.0 / sqrt(variance + (double)p.eps));
    }
}

extern "C" __global__ void d2_group_norm_apply(GroupNormParams p)
{
    long long count = (long long)p.n * p.hw * p.c;
    int perGroup = p.c / p.groups;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        int ch = (int)(i % p.c);
        int n = (int)(i / ((long long)p.hw * p.c));
        const float* stats = p.stats + 2 * ((long long)n * p.groups + ch / perGroup);
        float v = (p.x[i] - stats[0]) * (stats[1] * p.weight[ch]) + p.bias[ch];
        p.y[i] = p.relu ? d2_relu(v) : v;
    }
}

D2_HOST_STRUCT(GroupNormParams)
D2_HOST_ENTRY(d2_group_norm_stats, GroupNormParams)
D2_HOST_ENTRY(d2_group_norm_apply, GroupNormParams)
