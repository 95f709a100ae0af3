// layout.cu: NCHW ↔ NHWC float32 at the model's boundary (feature maps live NHWC inside).
//
// Per image n the map is a [c, hw] matrix in NCHW and its transpose [hw, c] in NHWC; both kernels
// move 32×32 tiles through shared memory so that reads and writes are both coalesced (the tile
// has 33 columns so a column read hits 32 different banks).
// Thread mapping (both kernels): LaunchShapes.Layout(n, c, hw): grid (ceil(hw/32), ceil(c/32), n),
// block (32, 8); each thread moves 4 elements of its block's tile. hw sits on grid x, whose limit
// is 2^31 − 1 (y and z allow only 65535). Exact (a copy).
#include "common.cuh"

#define D2_TILE 32
#define D2_TILE_ROWS 8

// 32 bytes.
struct LayoutParams
{
    const float* x;
    float* y;
    int n, c, hw;
    int pad_;   // keeps the size a multiple of 8, as C# lays the struct out
};
D2_STRUCT_SIZE(LayoutParams, 32);

extern "C" __global__ void d2_nchw_to_nhwc(LayoutParams p)
{
    __shared__ float tile[D2_TILE][D2_TILE + 1];
    long long image = (long long)blockIdx.z * p.c * p.hw;
    int firstPixel = blockIdx.x * D2_TILE, firstChannel = blockIdx.y * D2_TILE;
    // Read rows of x along pixels: tile[channel][pixel].
    for (int r = threadIdx.y; r < D2_TILE; r += D2_TILE_ROWS)
    {
        int ch = firstChannel + r, pixel = firstPixel + threadIdx.x;
        if (ch < p.c && pixel < p.hw) tile[r][threadIdx.x] = p.x[image + (long long)ch * p.hw + pixel];
    }
    __syncthreads();
    // Write rows of y along channels.
    for (int r = threadIdx.y; r < D2_TILE; r += D2_TILE_ROWS)
    {
        int pixel = firstPixel + r, ch = firstChannel + threadIdx.x;
        if (ch < p.c && pixel < p.hw) p.y[image + (long long)pixel * p.c + ch] = tile[threadIdx.x][r];
    }
}

extern "C" __global__ void d2_nhwc_to_nchw(LayoutParams p)
{
    __shared__ float tile[D2_TILE][D2_TILE + 1];
    long long image = (long long)blockIdx.z * p.c * p.hw;
    int firstPixel = blockIdx.x * D2_TILE, firstChannel = blockIdx.y * D2_TILE;
    // Read rows of x along channels: tile[pixel][channel].
    for (int r = threadIdx.y; r < D2_TILE; r += D2_TILE_ROWS)
    {
        int pixel = firstPixel + r, ch = firstChannel + threadIdx.x;
        if (ch < p.c && pixel < p.hw) tile[r][threadIdx.x] = p.x[image + (long long)pixel * p.c + ch];
    }
    __syncthreads();
    // Write rows of y along pixels.
    for (int r = threadIdx.y; r < D2_TILE; r += D2_TILE_ROWS)
    {
        int ch = firstChannel + r, pixel = firstPixel + threadIdx.x;
        if (ch < p.c && pixel < p.hw) p.y[image + (long long)ch * p.hw + pixel] = tile[threadIdx.x][r];
    }
}

D2_HOST_STRUCT(LayoutParams)
D2_HOST_ENTRY(d2_nchw_to_nhwc, LayoutParams)
D2_HOST_ENTRY(d2_nhwc_to_nchw, LayoutParams)
