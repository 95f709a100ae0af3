// upsample_bilinear2x.cu: UpsampleBilinear2x, F.interpolate(x, scale_factor=2, mode="bilinear",
// align_corners=False) on NHWC float32: the keypoint head's final upsampling of its heatmaps.
//
// y[n, oy, ox, c] = (1−ly)·((1−lx)·x[y0, x0] + lx·x[y0, x1]) + ly·((1−lx)·x[y1, x0] + lx·x[y1, x1])
// with (y0, y1, ly) and (x0, x1, lx) PyTorch's source rows/columns and weights for a scale of 2
// (source = max(0.5·(dst + 0.5) − 0.5, 0), the second index clamped at the border;
// UpsampleAdd.BilinearSource), computed by common.cuh's d2_bilinear2x in the reference's float32
// order with no multiply-add contraction.
// x: [n, h, w, c]; y: [n, 2h, 2w, c].
// Thread mapping: one thread per element of y, grid-stride, channels fastest (a warp reads 32
// neighbouring channels of each source pixel: coalesced). LaunchShapes.Elementwise(n·2h·2w·c).
// Row-wise on the ROI heads' slots: the rows of unused slots are computed too (they read zeros) and
// then zeroed by slot_rows.cu, as after every row-wise step.
// Matches UpsampleBilinear2xKernel (Backends/Reference/Kernels) bit for bit.
// Faster, not done yet: the keypoint maps are small (17 channels of 56×56 per box), so the launch is
// bound by its reads; a float4 variant (as upsample_add.cu's) needs c % 4 == 0, which 17 is not.
#include "common.cuh"

// 32 bytes.
struct UpsampleBilinear2xParams
{
    const float* x;
    float* y;
    int n, h, w, c;   // x's size; y is 2h × 2w
};
D2_STRUCT_SIZE(UpsampleBilinear2xParams, 32);

extern "C" __global__ void d2_upsample_bilinear2x(UpsampleBilinear2xParams p)
{
    int ho = 2 * p.h, wo = 2 * p.w;
    long long count = (long long)p.n * ho * wo * p.c;
    for (long long i = d2_first_index(); i < count; i += d2_grid_stride())
    {
        D2NhwcIndex o = d2_nhwc_index(i, ho, wo, p.c);
        p.y[i] = d2_bilinear2x(p.x + (long long)o.n * p.h * p.w * p.c, p.h, p.w, p.c, o.y, o.x, o.ch);
    }
}

D2_HOST_STRUCT(UpsampleBilinear2xParams)
D2_HOST_ENTRY(d2_upsample_bilinear2x, UpsampleBilinear2xParams)
