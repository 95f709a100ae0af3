// normalize_image.cu: Detectron2's preprocess_image on the device (NormalizeImage op).
//
// Computes y[n, h, w, c] = (pixels[n, h, w, c] − mean[c]) / std[c] in float32 (one subtraction,
// one correctly rounded division) inside image n's own size image_sizes[n] = (height, width), and
// 0 in the padding. pixels: uint8 [n, h, w, c] (HWC as decoded, c ≤ 4); y: NHWC float32.
// Thread mapping: one thread per element of y, grid-stride;
// LaunchShapes.Elementwise(n·h·w·c): block D2_BLOCK, grid ceil(count / D2_BLOCK) capped.
// Matches NormalizeImageKernel (Backends/Reference/Kernels) bit for bit. The caller checks the
// image sizes against the padded size (NormalizeImage.CheckImageSizes) before launching.
#include "common.cuh"

// 72 bytes.
struct NormalizeImageParams
{
    const unsigned char* pixels;
    const int* image_sizes;
    float* y;
    int n, h, w, c;
    float mean[4];
    float std[4];
};
D2_STRUCT_SIZE(NormalizeImageParams, 72);

extern "C" __global__ void d2_normalize_image(NormalizeImageParams p)
{
    long long count = (long long)p.n * p.h * p.w * p.c;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        int c = (int)(i % p.c);
        long long pixel = i / p.c;
        int x = (int)(pixel % p.w);
        long long row = pixel / p.w;
        int y = (int)(row % p.h);
        int n = (int)(row / p.h);
        bool inside = y < p.image_sizes[2 * n] && x < p.image_sizes[2 * n + 1];
        p.y[i] = inside ? ((float)p.pixels[i] - p.mean[c]) / p.std[c] : 0.f;
    }
}

D2_HOST_STRUCT(NormalizeImageParams)
D2_HOST_ENTRY(d2_normalize_image, NormalizeImageParams)
