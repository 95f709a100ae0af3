// slot_rows.cu: the rows of the ROI heads' unused slots, zeroed after a row-wise step.
//
// The ROI heads hold N images × S slots of rows (POST_NMS_TOPK_TEST proposals, DETECTIONS_PER_IMAGE
// detections); an image uses counts[n] of its S. The host backends run a row-wise step (a linear
// layer, the mask head's convolutions) on the used rows only and zero the others (SlotRows,
// Backends/Host); the CUDA backend runs the step on every row, then this kernel zeroes rows
// n·S + r with r ≥ clamp(counts[n], 0, S), so every value holds the same as on the host and the
// captured graph is right for any count (the count is read on the device).
// y: [images·slots, row_elements] 4-byte elements (any layout within a row: NHWC rows are rows).
// Thread mapping: one thread per element of y, grid-stride; LaunchShapes.Elementwise(images·slots·row).
// Matches SlotRows.Run's zeroing (Backends/Host/SlotRows.cs) exactly.
#include "common.cuh"

// 32 bytes.
struct ZeroSlotsParams
{
    float* y;
    const int* counts;   // [images]
    long long row_elements;
    int images, slots;
};
D2_STRUCT_SIZE(ZeroSlotsParams, 32);

extern "C" __global__ void d2_zero_unused_slots(ZeroSlotsParams p)
{
    long long total = (long long)p.images * p.slots * p.row_elements;
    for (long long i = d2_first_index(); i < total; i += d2_grid_stride())
    {
        long long row = i / p.row_elements;
        int image = (int)(row / p.slots), slot = (int)(row % p.slots);
        int used = min(max(p.counts[image], 0), p.slots);
        if (slot >= used) p.y[i] = 0.f;
    }
}

D2_HOST_STRUCT(ZeroSlotsParams)
D2_HOST_ENTRY(d2_zero_unused_slots, ZeroSlotsParams)
