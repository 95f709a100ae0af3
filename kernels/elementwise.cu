// elementwise.cu: the element-by-element ops and the convolution epilogue cuDNN cannot fuse.
//
// All buffers are float32 of `count` elements (any layout; NHWC for bias_activation's channel).
// Thread mapping: one thread per element, grid-stride; LaunchShapes.Elementwise(count).
// - d2_add: y = act(a + b); y may be a or b. Matches AddKernel (Backends/Reference/Kernels) exactly.
// - d2_relu: y = max(x, 0) with NaN kept (MathF.Max(x, 0f)); y may be x. Matches ReluKernel exactly.
// - d2_bias_activation: in place, y = act((y + bias[i % c]) + residual[i]), bias and residual
//   optional (null). The order is Conv2dKernel's epilogue (convolution + bias, + residual, then
//   the activation); the reference sums those in double and rounds once, so this float32 version
//   matches it within two roundings. Used after a GEMM (the deformable convolution) or a cuDNN
//   convolution that could not take the epilogue itself.
#include "common.cuh"

// 40 bytes.
struct AddParams
{
    const float* a;
    const float* b;
    float* y;
    long long count;
    int relu;
    int pad_;   // keeps the size a multiple of 8, as C# lays the struct out
};
D2_STRUCT_SIZE(AddParams, 40);

// 24 bytes.
struct ReluParams
{
    const float* x;
    float* y;
    long long count;
};
D2_STRUCT_SIZE(ReluParams, 24);

// 40 bytes.
struct BiasActivationParams
{
    float* y;
    const float* bias;       // [c] or null
    const float* residual;   // [count] or null; distinct from y
    long long count;
    int c;
    int relu;
};
D2_STRUCT_SIZE(BiasActivationParams, 40);

extern "C" __global__ void d2_add(AddParams p)
{
    for (long long i = d2_first_index(); i < p.count; i += d2_grid_stride())
    {
        float v = p.a[i] + p.b[i];
        p.y[i] = p.relu ? d2_relu(v) : v;
    }
}

extern "C" __global__ void d2_relu(ReluParams p)
{
    for (long long i = d2_first_index(); i < p.count; i += d2_grid_stride())
        p.y[i] = d2_relu(p.x[i]);
}

extern "C" __global__ void d2_bias_activation(BiasActivationParams p)
{
    for (long long i = d2_first_index(); i < p.count; i += d2_grid_stride())
    {
        float v = p.y[i];
        if (p.bias) v += p.bias[i % p.c];
        if (p.residual) v += p.residual[i];
        p.y[i] = p.relu ? d2_relu(v) : v;
    }
}

D2_HOST_STRUCT(AddParams)
D2_HOST_STRUCT(ReluParams)
D2_HOST_STRUCT(BiasActivationParams)
D2_HOST_ENTRY(d2_add, AddParams)
D2_HOST_ENTRY(d2_relu, ReluParams)
D2_HOST_ENTRY(d2_bias_activation, BiasActivationParams)
